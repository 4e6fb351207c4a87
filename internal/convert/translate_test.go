package convert

import (
	"strings"
	"testing"
)

// Replacements inside ${ ... } with spaces or strip markers around them
// are spliced into the template, not nested in a second one.
func TestTemplatePartsWithSpaces(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": "inputs = {\n  a = \"${ get_terragrunt_dir() }/x\"\n  b = <<-EOT\n    ${~ get_terragrunt_dir() ~}\n  EOT\n}\n",
	})
	unit := fileOf(t, r, "infra/live/dev/app/unit.hcl")
	for _, w := range []string{
		`a = "${get_repo_root()}/infra/live/${env.name}/${unit.path}/x"`,
		"b = <<-EOT\n    ${get_repo_root()}/infra/live/${env.name}/${unit.path}\n  EOT",
	} {
		if !strings.Contains(unit, w) {
			t.Errorf("unit.hcl lacks\n%s\nin\n%s", w, unit)
		}
	}
}

// read_terragrunt_config(...).locals.X written in place, without a local,
// is the env var too.
func TestReadConfigInPlace(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":            "locals {\n  environment = \"dev\"\n}\n",
		"dev/app/terragrunt.hcl": "inputs = {\n  e = read_terragrunt_config(find_in_parent_folders(\"env.hcl\")).locals.environment\n}\n",
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, "e = env.environment\n") {
		t.Errorf("unit.hcl:\n%s", unit)
	}
}

// References that stop short (a whole include, a whole file read with
// read_terragrunt_config) are reported, not guessed at.
func TestReferencesThatStopShort(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":    "",
		"dev/env.hcl": "locals {\n  environment = \"dev\"\n}\n",
		"dev/app/terragrunt.hcl": includeRoot + `locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
}
inputs = {
  a = include.root
  b = local.env
  c = "kept"
}
`,
	})
	var got []string
	for _, i := range r.NotConverted {
		got = append(got, i.String())
	}
	want := []string{
		"dev/app/terragrunt.hcl:9:7: include.root.: a unit.hcl reads an included file's locals only (include.<name>.locals): use the value itself",
		"dev/app/terragrunt.hcl:10:7: read_terragrunt_config(...): only the locals of a file read with read_terragrunt_config become env vars",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("not converted:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, "inputs = {\n  c = \"kept\"\n}") {
		t.Errorf("unit.hcl:\n%s", unit)
	}
}
