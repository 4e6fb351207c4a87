package convert

import (
	"strings"
	"testing"
)

// rootWithPaths is a root configuration whose locals name the unit paths
// its units depend on, read through include.root.locals.
const rootWithPaths = "locals {\n  vpc = \"../vpc\"\n  dbs = [\"../db\"]\n}\n"

const includeRoot = "include \"root\" {\n  path   = find_in_parent_folders(\"root.hcl\")\n  expose = true\n}\n"

// A unit's own dependency and dependencies paths may read the root's
// exposed locals: they are worked out with the unit's includes in view.
func TestUnitPathsReadIncludedLocals(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               rootWithPaths,
		"dev/env.hcl":            "",
		"dev/vpc/terragrunt.hcl": includeRoot,
		"dev/db/terragrunt.hcl":  includeRoot,
		"dev/app/terragrunt.hcl": includeRoot + `dependency "vpc" {
  config_path = include.root.locals.vpc
}
dependencies {
  paths = include.root.locals.dbs
}
`,
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	unit := fileOf(t, r, "infra/live/dev/app/unit.hcl")
	for _, w := range []string{"dependency \"vpc\" {\n  path = \"../vpc\"\n}", "dependencies {\n  paths = [\"../db\"]\n}"} {
		if !strings.Contains(unit, w) {
			t.Errorf("unit.hcl lacks\n%s\n in:\n%s", w, unit)
		}
	}
}
