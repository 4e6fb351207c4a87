package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func savedTree(t *testing.T) *tree {
	t.Helper()
	return newTree(t, map[string]string{
		"stackctl.hcl":           rootHCL,
		"modules/step/main.tf":   stepModule,
		"live/dev/env.hcl":       "vars = {}\n",
		"live/dev/net/unit.hcl":  unitHCL("net", ""),
		"live/dev/app/unit.hcl":  unitHCL("app", "net"),
		"live/dev/solo/unit.hcl": unitHCL("solo", ""),
	})
}

type manifest struct {
	Unit             string `json:"unit"`
	TerraformVersion string `json:"terraform_version"`
	State            struct {
		Exists  bool   `json:"exists"`
		Serial  uint64 `json:"serial"`
		Lineage string `json:"lineage"`
	} `json:"state"`
	Dependencies []struct {
		Name    string            `json:"name"`
		Mock    bool              `json:"mock"`
		Outputs map[string]string `json:"outputs"`
	} `json:"dependencies"`
	Mocked     []string `json:"mocked"`
	HasChanges bool     `json:"has_changes"`
}

func (tr *tree) manifest(dir, unit string) manifest {
	tr.t.Helper()
	var m manifest
	if err := json.Unmarshal([]byte(tr.read(filepath.Join(dir, unit, "manifest.json"))), &m); err != nil {
		tr.t.Fatal(err)
	}
	return m
}

// TestSavedPlans: plan --out then apply --plan applies exactly the saved
// plans; a plan on mocks, a plan whose state another apply changed in
// between, and a plan whose dependency's outputs changed when the
// dependency applied first are refused, naming why. apply --plan asks
// nothing, even in CI.
func TestSavedPlans(t *testing.T) {
	t.Parallel()
	tr := savedTree(t)
	ci := []string{"CI=true"}

	// Before anything exists, app can only be planned on net's mocks.
	r := tr.must(0, "plan", "dev", "--out", "plans")
	m := tr.manifest("plans", "app")
	if !slices.Equal(m.Mocked, []string{"net"}) || len(m.Dependencies) != 1 || !m.Dependencies[0].Mock || m.State.Exists {
		t.Fatalf("app's manifest: %+v", m)
	}
	for _, f := range []string{"plans", "plans/app", "plans/app/plan.tfplan", "plans/app/plan.json", "plans/app/plan.txt", "plans/app/manifest.json", "plans/stackctl-plans.json"} {
		info, err := os.Stat(tr.path(f))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is mode %v: saved plans hold secrets, so only the owner may read them", f, info.Mode().Perm())
		}
	}
	contains(t, "plan.txt", tr.read("plans/app/plan.txt"), "terraform_data.this will be created", `upstream = "mock"`)
	r = tr.runEnv(ci, "apply", "dev", "--plan", "plans")
	if r.code != 1 {
		t.Fatalf("apply --plan with a plan on mocks: %s", r)
	}
	contains(t, "refusal", r.stderr, "app: it was planned on the mock_outputs of net", "nothing was applied")
	if _, err := os.Stat(tr.path(".stackctl/state/dev/net/terraform.tfstate")); err == nil {
		t.Fatal("net was applied although the apply was refused")
	}

	// net alone can go; naming a unit without a saved plan cannot.
	tr.must(0, "plan", "dev", "--out", "plans", "-u", "net")
	r = tr.runEnv(ci, "apply", "dev", "--plan", "plans", "-u", "app")
	if r.code != 1 || !strings.Contains(r.stderr, "no saved plan in plans for app") {
		t.Fatalf("apply --plan -u app without its plan: %s", r)
	}
	r = tr.runEnv(ci, "apply", "dev", "--plan", "plans", "--json")
	if r.code != 0 {
		t.Fatalf("apply --plan of net: %s", r)
	}
	s := parseSummary(t, r)
	if !slices.Equal(s.units(), []string{"net"}) || len(s.Notes) == 0 || !strings.Contains(s.Notes[0], "Not planned in plans, so not applied: app, solo") {
		t.Fatalf("apply --plan summary: %+v", s)
	}

	// Now with real outputs: saved, reviewed, applied as they are.
	r = tr.must(0, "plan", "dev", "--out", "plans", "--format", "markdown")
	contains(t, "markdown", r.stdout, "### ✅ stackctl plan `dev`", "| 🟡 | `app` | succeeded | 1 | 0 | 0 |", "<details><summary>app: 1 to add", "```mermaid", "full text: plans/app/plan.txt")
	if _, err := os.Stat(tr.path("plans/summary.md")); err != nil {
		t.Errorf("the whole report was not written: %v", err)
	}
	m = tr.manifest("plans", "app")
	if len(m.Mocked) != 0 || m.Dependencies[0].Mock || len(m.Dependencies[0].Outputs) != 1 || m.Dependencies[0].Outputs["value"] == "" {
		t.Fatalf("app's manifest with net applied: %+v", m)
	}
	if m := tr.manifest("plans", "net"); !m.State.Exists || m.State.Serial == 0 || m.State.Lineage == "" || m.HasChanges {
		t.Fatalf("net's manifest: %+v", m)
	}
	r = tr.runEnv(ci, "apply", "dev", "--plan", "plans", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("apply --plan: %s", r)
	}
	contains(t, "apply markdown", r.stdout, "### ✅ stackctl apply `dev`", "| 🟡 | `app` | succeeded | 1 | 0 | 0 |")
	contains(t, "app's state", tr.read(".stackctl/state/dev/app/terraform.tfstate"), `"app(net())"`)

	// A state that another apply moved in between: refused, nothing applied.
	tr.write(map[string]string{"live/dev/solo/unit.hcl": unitHCL("solo2", ""), "live/dev/app/unit.hcl": unitHCL("app2", "net")})
	tr.must(0, "plan", "dev", "--out", "plans")
	tr.must(0, "apply", "dev", "-u", "solo", "--auto-approve")
	r = tr.runEnv(ci, "apply", "dev", "--plan", "plans")
	if r.code != 1 {
		t.Fatalf("apply --plan of a stale plan: %s", r)
	}
	contains(t, "stale refusal", r.stderr, "solo: its state changed since it was planned (serial", "another run wrote it", "nothing was applied")
	contains(t, "app's state", tr.read(".stackctl/state/dev/app/terraform.tfstate"), `"app(net())"`)

	// A dependency that applies first and changes an output the plan read:
	// the dependent is refused at its turn, naming the output.
	tr.write(map[string]string{"live/dev/net/unit.hcl": unitHCL("net2", "")})
	tr.must(0, "plan", "dev", "--out", "plans")
	r = tr.runEnv(ci, "apply", "dev", "--plan", "plans", "--json")
	if r.code != 1 {
		t.Fatalf("apply --plan with a dependency changing: %s", r)
	}
	s = parseSummary(t, r)
	for _, u := range s.Units {
		switch u.Unit {
		case "net", "solo":
			if u.Result != "succeeded" {
				t.Errorf("%s: %+v", u.Unit, u)
			}
		case "app":
			if u.Result != "failed" || !strings.Contains(u.Error, "dependency outputs changed since it was planned (up.value)") {
				t.Errorf("app: %+v", u)
			}
		}
	}
	contains(t, "app's state", tr.read(".stackctl/state/dev/app/terraform.tfstate"), `"app(net())"`)

	// Planned again after that, app goes.
	tr.must(0, "plan", "dev", "--out", "plans")
	tr.must(0, "apply", "dev", "--plan", "plans")
	contains(t, "app's state", tr.read(".stackctl/state/dev/app/terraform.tfstate"), `"app2(net2())"`)

	// An interrupted plan --out leaves no index: nothing to apply.
	if err := os.Remove(tr.path("plans/stackctl-plans.json")); err != nil {
		t.Fatal(err)
	}
	r = tr.must(1, "apply", "dev", "--plan", "plans")
	contains(t, "no index", r.stderr, "holds no saved plans")
}

// TestCIMode: with CI=true apply asks nothing and refuses before any work
// without --auto-approve or --plan; on GitHub Actions a configuration
// error is an annotation at its file and line.
func TestCIMode(t *testing.T) {
	t.Parallel()
	tr := savedTree(t)
	r := tr.runEnv([]string{"CI=true"}, "apply", "dev")
	if r.code != 1 {
		t.Fatalf("apply in CI: %s", r)
	}
	contains(t, "apply in CI", r.stderr, "CI=true", "--auto-approve", "--plan DIR")
	if _, err := os.Stat(tr.path(".stackctl/logs")); err == nil {
		t.Error("apply in CI planned before refusing")
	}
	tr.write(map[string]string{"live/dev/net/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = nope }\n"})
	r = tr.runEnv([]string{"CI=true", "GITHUB_ACTIONS=true", "GITHUB_WORKSPACE=" + filepath.Dir(tr.dir)}, "plan", "dev")
	if r.code != 1 {
		t.Fatalf("plan with a bad input: %s", r)
	}
	contains(t, "annotation", r.stderr, "::error file="+filepath.Base(tr.dir)+"/live/dev/net/unit.hcl,line=2,col=19,", "title=stackctl%3A Unknown variable::")
	if strings.Contains(r.stdout+r.stderr, "\x1b[") {
		t.Error("colour or a live view in CI")
	}
}
