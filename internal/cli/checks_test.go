package cli

import (
	"encoding/json"
	"testing"
)

// checksTree is twoUnitTree with verify blocks on net (one holds, one
// does not) and a prod environment whose net differs by its name, both
// applied.
func checksTree(t *testing.T) string {
	t.Helper()
	dir := twoUnitTree(t)
	writeFile(t, dir, "live/dev/net/unit.hcl", netWithChecks)
	writeFile(t, dir, "live/prod/env.hcl", "vars = {}\n")
	writeFile(t, dir, "live/prod/net/unit.hcl", "source = \"../../../modules/step\"\ninputs = { name = \"net-prod\" }\n")
	mustRun(t, dir, 0, "apply", "dev", "--auto-approve")
	mustRun(t, dir, 0, "apply", "prod", "--auto-approve")
	return dir
}

// verify on applied state: the failed check is exit 1 in every view and
// names where it is declared; diff-env finds the undeclared differences
// (exit 2), with and without --state.
func TestVerifyAndDiffEnvOnAppliedState(t *testing.T) {
	dir := checksTree(t)
	r := mustRun(t, dir, 1, "verify", "dev")
	has(t, "verify", r.out, "verify dev: 1 of 2 checks failed", "✓ net  named     assert  condition holds", "✗ net  upstream  assert  net has no upstream",
		"Failed: net upstream (live/dev/net/unit.hcl:9:1)")
	r = mustRun(t, dir, 1, "verify", "dev", "--json")
	var rep struct {
		Passed, Failed int
		Results        []struct {
			Name   string `json:"name"`
			Passed bool   `json:"passed"`
			At     string `json:"at"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil || rep.Passed != 1 || rep.Failed != 1 || len(rep.Results) != 2 || rep.Results[1].At != "live/dev/net/unit.hcl:9:1" {
		t.Errorf("verify --json: %v %+v\n%s", err, rep, r.out)
	}
	r = mustRun(t, dir, 1, "verify", "dev", "--format", "markdown")
	has(t, "verify --format markdown", r.out, "### verify `dev`", "| ❌ | `net` | `upstream` | assert |  | net has no upstream |")
	r = mustRun(t, dir, 0, "verify", "prod")
	has(t, "verify prod", r.err, "no selected unit of prod declares a verify block")

	r = mustRun(t, dir, 1, "apply", "dev", "--auto-approve", "--verify", "--unit", "net")
	has(t, "apply --verify", r.out, "✗ net  upstream  assert  net has no upstream", "net   failed", "applied, then verify upstream failed: net has no upstream",
		"declared at live/dev/net/unit.hcl:9:1")

	r = mustRun(t, dir, 2, "diff-env", "dev", "prod")
	has(t, "diff-env", r.out, "diff-env dev prod: 2 undeclared differences, 0 declared (2 units compared)", "app\n  ! unit only in dev",
		"! name: differs", `dev   "net"`, `prod  "net-prod"`)
	r = mustRun(t, dir, 2, "diff-env", "dev", "prod", "--state", "--json")
	var d struct {
		State       bool `json:"state_compared"`
		Undeclared  int  `json:"undeclared"`
		Differences []struct {
			Unit string `json:"unit"`
			Path string `json:"path"`
		} `json:"differences"`
	}
	if err := json.Unmarshal([]byte(r.out), &d); err != nil || !d.State || d.Undeclared != 2 || len(d.Differences) != 2 || d.Differences[1].Path != "name" {
		t.Errorf("diff-env --state --json: %v %+v\n%s", err, d, r.out)
	}
	r = mustRun(t, dir, 2, "diff-env", "dev", "prod", "--format", "markdown", "--unit", "net")
	has(t, "diff-env --format markdown", r.out, "### diff-env `dev` → `prod`", "| `net` | name: differs | `\"net\"` | `\"net-prod\"` |")
	hasNot(t, "diff-env --unit net", r.out, "`app`")
	r = mustRun(t, dir, 1, "diff-env", "dev", "nosuch")
	has(t, "diff-env with an unknown environment", r.err, `Unknown environment "nosuch"`)
}

// A Terragrunt tree converted: what convert says and writes, and that the
// result loads as a stackctl tree with the dependency kept.
func TestConvertATerragruntTree(t *testing.T) {
	dir := twoUnitTree(t)
	include := "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\nterraform {\n  source = \"../../../modules/step\"\n}\n"
	writeFile(t, dir, "tg/root.hcl", "inputs = { region = \"eu-west-1\" }\n")
	writeFile(t, dir, "tg/dev/env.hcl", "locals { env = \"dev\" }\n")
	writeFile(t, dir, "tg/dev/net/terragrunt.hcl", include+"inputs = { name = \"net\" }\n")
	writeFile(t, dir, "tg/dev/app/terragrunt.hcl", include+"dependency \"net\" {\n  config_path = \"../net\"\n  mock_outputs = { value = \"mock\" }\n}\ninputs = { name = \"app\", upstream = dependency.net.outputs.value }\n")

	r := mustRun(t, dir, 0, "convert", "terragrunt", "tg", "--out", "new", "--project", "shop")
	has(t, "convert", r.out, "Converted tg into new.", "dev        from dev: app, net", "Wrote 4 files.", "Everything was converted.", "Next: stackctl list dev --root new")
	has(t, "the converted stackctl.hcl", readFile(t, dir+"/new/stackctl.hcl"), `project = "shop"`)
	has(t, "the converted app", readFile(t, dir+"/new/infra/live/dev/app/unit.hcl"), `dependency "net"`, "mock")
	r = mustRun(t, dir, 0, "list", "dev", "--root", "new")
	if r.out != "net\napp\n" {
		t.Errorf("list of the converted tree: %q", r.out)
	}
	r = mustRun(t, dir, 0, "convert", "terragrunt", "tg", "--out", "new2", "--json")
	var res struct {
		Files []struct {
			Path string `json:"path"`
			From string `json:"from"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil || len(res.Files) != 4 || res.Files[0].From != "dev/app/terragrunt.hcl" {
		t.Errorf("convert --json: %v %+v\n%s", err, res, r.out)
	}
	r = mustRun(t, dir, 1, "convert", "terragrunt", "tg", "--out", "new")
	has(t, "convert onto a full folder", r.err, "is not empty")

	// A terragrunt.hcl that does not parse: its file and line, nothing
	// written.
	writeFile(t, dir, "tg/dev/net/terragrunt.hcl", "inputs = {\n")
	r = mustRun(t, dir, 1, "convert", "terragrunt", "tg", "--out", "new3")
	has(t, "convert of a broken file", r.err, "tg/dev/net/terragrunt.hcl:")
}

// fmt of a file that does not parse: the error with its place, in the
// JSON too, and exit 1.
func TestFmtOfABrokenFile(t *testing.T) {
	dir := twoUnitTree(t)
	writeFile(t, dir, "live/dev/net/unit.hcl", "inputs = {\n")
	r := mustRun(t, dir, 1, "fmt", "--json")
	var doc struct {
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || len(doc.Errors) != 1 {
		t.Fatalf("fmt --json: %v %+v\n%s", err, doc, r.out)
	}
	has(t, "fmt --json error", doc.Errors[0], "live/dev/net/unit.hcl:")
	has(t, "fmt", r.err, "live/dev/net/unit.hcl:")
	r = mustRun(t, dir, 1, "fmt", "extra")
	has(t, "fmt extra", r.err, "fmt takes no arguments")
}
