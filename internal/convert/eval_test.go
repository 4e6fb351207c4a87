package convert

import (
	"fmt"
	"strings"
	"testing"
)

// A hierarchy file's locals may refer to each other in any order: each
// is worked out once those it reads are, however long the chain.
func TestHierarchyLocalsChain(t *testing.T) {
	var env strings.Builder
	env.WriteString("locals {\n  l0 = \"dev\"\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&env, "  l%d = upper(local.l%d)\n", i, i-1)
	}
	env.WriteString("}\n")
	r := convertTree(t, map[string]string{
		"root.hcl":               "locals {\n  env = read_terragrunt_config(find_in_parent_folders(\"env.hcl\"))\n}\ninputs = {\n  e = local.env.locals.l11\n}\n",
		"dev/env.hcl":            env.String(),
		"dev/app/terragrunt.hcl": includeRoot,
	})
	if got := fileOf(t, r, "infra/live/dev/env.hcl"); !strings.Contains(got, "l11 = \"DEV\"\n") {
		t.Errorf("env.hcl does not hold the chain's value:\n%s", got)
	}
}

// Defaults: find_in_parent_folders's second argument when nothing is
// found, read_terragrunt_config's when the file does not exist, and a
// unit's own locals reading the root's.
func TestEvaluatedDefaults(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               rootWithPaths,
		"dev/env.hcl":            "",
		"dev/vpc/terragrunt.hcl": includeRoot,
		"dev/db/terragrunt.hcl":  includeRoot,
		"dev/dns/terragrunt.hcl": includeRoot,
		"dev/app/terragrunt.hcl": includeRoot + `locals {
  vpc = include.root.locals.vpc
  cfg = read_terragrunt_config("missing.hcl", { locals = { db = "../db" } })
}
dependency "vpc" {
  config_path = local.vpc
}
dependency "db" {
  config_path = local.cfg.locals.db
}
dependency "dns" {
  config_path = find_in_parent_folders("nothing.hcl", "../dns")
}
`,
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	unit := fileOf(t, r, "infra/live/dev/app/unit.hcl")
	for _, w := range []string{`path = "../vpc"`, `path = "../db"`, `path = "../dns"`} {
		if !strings.Contains(unit, w) {
			t.Errorf("unit.hcl lacks %s:\n%s", w, unit)
		}
	}
}

// A unit reading a root local that reads another, twenty deep, is not a
// cycle: the chain is written in, link by link.
func TestInlinedChainOfTwentyLocals(t *testing.T) {
	var root strings.Builder
	root.WriteString("locals {\n")
	for i := 1; i < 20; i++ {
		fmt.Fprintf(&root, "  l%d = local.l%d\n", i, i+1)
	}
	root.WriteString("  l20 = get_env(\"X\", \"x\")\n}\n")
	r := convertTree(t, map[string]string{
		"root.hcl":               root.String(),
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": includeRoot + "inputs = {\n  a = include.root.locals.l1\n}\n",
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, `a = get_env("X", "x")`) {
		t.Errorf("unit.hcl:\n%s", unit)
	}
}
