package convert

import (
	"strings"
	"testing"
)

// The root configuration's dirname(find_in_parent_folders(...)) is worked
// out for the units that include it: the tree's root, get_repo_root().
func TestRootDirnameOfRootIsRepoRoot(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               "inputs = {\n  modules = \"${dirname(find_in_parent_folders(\"root.hcl\"))}/modules\"\n}\n",
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": includeRoot,
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	root := fileOf(t, r, "stackctl.hcl")
	if w := `modules = "${get_repo_root()}/modules"`; !strings.Contains(root, w) {
		t.Errorf("stackctl.hcl lacks %s:\n%s", w, root)
	}
}

// A root local that reads a dependency's outputs is written into each
// unit.hcl that reads it: there it needs the unit's own dependency block,
// and a unit without one leaves the input out (the root's local is
// reported).
func TestInlinedRootLocalChecksTheUnitsDependencies(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               "locals {\n  vpc_id = dependency.vpc.outputs.id\n}\n",
		"dev/env.hcl":            "",
		"dev/vpc/terragrunt.hcl": includeRoot,
		"dev/app/terragrunt.hcl": includeRoot + "dependency \"vpc\" {\n  config_path = \"../vpc\"\n}\ninputs = {\n  vpc_id = include.root.locals.vpc_id\n}\n",
		"dev/db/terragrunt.hcl":  includeRoot + "inputs = {\n  vpc_id = include.root.locals.vpc_id\n  name   = \"db\"\n}\n",
	})
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, "vpc_id = dependency.vpc.outputs.id\n") {
		t.Errorf("app's unit.hcl:\n%s", unit)
	}
	if unit := fileOf(t, r, "infra/live/dev/db/unit.hcl"); strings.Contains(unit, "dependency.vpc") {
		t.Errorf("db's unit.hcl refers to a dependency it does not have:\n%s", unit)
	}
	if len(r.NotConverted) != 1 || r.NotConverted[0].String() != "root.hcl:2:12: dependency.vpc: its dependency block was not converted" {
		t.Errorf("not converted: %v", r.NotConverted)
	}
}

// A root local that is a template reading another root local is written
// into the unit as one template, the inner local's text spliced in.
func TestInlinedRootTemplateLocal(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               "locals {\n  org    = \"acme\"\n  prefix = \"${local.org}-dev\"\n}\n",
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": includeRoot + "inputs = {\n  name = \"${include.root.locals.prefix}-app\"\n}\n",
	})
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, `name = "acme-dev-app"`) {
		t.Errorf("unit.hcl:\n%s", unit)
	}
}

// dirname(find_in_parent_folders(...)) in a unit's own file may name the
// file with the root's exposed locals; it is the tree's root all the same.
func TestUnitDirnameOfRootFromIncludedLocal(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               "locals {\n  root_file = \"root.hcl\"\n}\n",
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": includeRoot + "inputs = {\n  modules = \"${dirname(find_in_parent_folders(include.root.locals.root_file))}/modules\"\n}\n",
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, `modules = "${get_repo_root()}/modules"`) {
		t.Errorf("unit.hcl:\n%s", unit)
	}
}
