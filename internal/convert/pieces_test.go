package convert

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

// find_in_parent_folders starts in the parent of the configuration's
// folder, as Terragrunt's does: a unit's own env.hcl is not "above" it.
func TestFindInParents(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{"env.hcl": "", "a/env.hcl": "", "a/b/env.hcl": ""})
	got, ok := findInParents(filepath.Join(dir, "a", "b"), "env.hcl")
	if !ok || got != filepath.Join(dir, "a", "env.hcl") {
		t.Errorf("from a/b: %q %v, want a/env.hcl", got, ok)
	}
	if _, ok := findInParents(filepath.Join(dir, "a"), "missing.hcl"); ok {
		t.Error("found a file that does not exist")
	}
}

func TestCheckOut(t *testing.T) {
	dir := t.TempDir()
	if err := CheckOut(filepath.Join(dir, "new")); err != nil {
		t.Errorf("a folder that does not exist: %v", err)
	}
	if err := CheckOut(dir); err != nil {
		t.Errorf("an empty folder: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckOut(dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a folder with a file: %v", err)
	}
	if err := CheckOut(filepath.Join(dir, "x")); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("a file: %v", err)
	}
}

func convertTree(t *testing.T, files map[string]string) *Result {
	t.Helper()
	dir := testutil.WriteTree(t, files)
	res, diags := Convert(Options{Dir: dir, Out: filepath.Join(t.TempDir(), "out")})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return res
}

func fileOf(t *testing.T, r *Result, path string) string {
	t.Helper()
	for _, f := range r.Files {
		if f.Path == path {
			return string(f.Content)
		}
	}
	t.Fatalf("no %s among %v", path, r.Files)
	return ""
}

// Two accounts with an environment of the same name: each gets its folder
// path as its name. Units without an env file take their first folder.
func TestEnvironmentNames(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":                        "",
		"a/prod/env.hcl":                  "locals {\n  environment = \"prod\"\n}\n",
		"a/prod/vpc/terragrunt.hcl":       "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
		"b/prod/env.hcl":                  "locals {\n  environment = \"prod\"\n}\n",
		"b/prod/vpc/terragrunt.hcl":       "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
		"_global/dns/zone/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
		"loose/terragrunt.hcl":            "",
	})
	var names []string
	for _, e := range r.Envs {
		names = append(names, e.Name+"="+strings.Join(e.Units, ","))
	}
	if got := strings.Join(names, " "); got != "_global=dns/zone a-prod=vpc b-prod=vpc" {
		t.Errorf("environments: %s", got)
	}
	if len(r.NotConverted) != 1 || !strings.Contains(r.NotConverted[0].String(), "loose/terragrunt.hcl:1:1: unit: it sits directly below the tree") {
		t.Errorf("not converted: %v", r.NotConverted)
	}
}

// Each construct that has no stackctl form is named at its line with why,
// and what is around it is still converted.
func TestNotConvertedNamesFileAndLine(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl": "",
		"dev/app/terragrunt.hcl": `terraform {
  source = "git::https://example.com/app.git?ref=v1"
  before_hook "x" {
    commands    = ["init-from-module"]
    execute     = ["true"]
    working_dir = "/tmp"
  }
}
remote_state {
  backend = "gcs"
  config  = {}
}
inputs = {
  a = sops_decrypt_file("secrets.yaml")
  b = uuid()
  c = "kept"
}
feature "f" {
  default = true
}
`,
	})
	var got []string
	for _, i := range r.NotConverted {
		got = append(got, i.File+":"+strconv.Itoa(i.Line)+" "+i.Construct)
	}
	want := []string{
		"dev/app/terragrunt.hcl:4 before_hook \"x\" commands",
		"dev/app/terragrunt.hcl:6 before_hook \"x\" working_dir",
		"dev/app/terragrunt.hcl:9 remote_state",
		"dev/app/terragrunt.hcl:14 sops_decrypt_file()",
		"dev/app/terragrunt.hcl:15 uuid()",
		"dev/app/terragrunt.hcl:18 feature",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("not converted:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	unit := fileOf(t, r, "infra/live/dev/app/unit.hcl")
	for _, w := range []string{`source = "git::https://example.com/app.git?ref=v1"`, `c = "kept"`} {
		if !strings.Contains(unit, w) {
			t.Errorf("unit.hcl lacks %s:\n%s", w, unit)
		}
	}
	if strings.Contains(unit, "before_hook") || strings.Contains(unit, "uuid") {
		t.Errorf("unit.hcl carries what was not converted:\n%s", unit)
	}
}

// Malformed or unusual Terragrunt files are reported, never a crash.
func TestOddInputsDoNotCrash(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl": "locals {\n  a = local.b\n  b = local.a\n}\n",
		"dev/x/terragrunt.hcl": `include {}
dependency {}
generate "a" "b" {}
locals {
  loop = local.loop
  env  = read_terragrunt_config(find_in_parent_folders("env.hcl"))
}
terraform {
  source = 5
}
inputs = {
  a = local.missing
  b = local.loop
  c = local.env.inputs.x
  d = read_terragrunt_config("nowhere.hcl").locals.y
  e = local.env.locals.nothing
}
`,
	})
	if len(r.NotConverted) < 6 {
		t.Errorf("expected the odd constructs listed, got %v", r.NotConverted)
	}
	for _, i := range r.NotConverted {
		if i.Line == 0 || i.File == "" || i.Reason == "" {
			t.Errorf("an issue without a place or a reason: %+v", i)
		}
	}
}
