package convert

import (
	"strings"
	"testing"
)

// rootReading is a root configuration whose inputs read the locals of the
// given hierarchy files, found with find_in_parent_folders.
func rootReading(files ...string) string {
	var b strings.Builder
	b.WriteString("locals {\n")
	for _, f := range files {
		stem := strings.TrimSuffix(f, ".hcl")
		b.WriteString("  " + stem + " = read_terragrunt_config(find_in_parent_folders(\"" + f + "\"))\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// A local two hierarchy files define keeps its name in the innermost one,
// whatever the files are called; the outer one's becomes <stem>_<key>,
// numbered past names already taken.
func TestVarNamesInnermostKeepsTheName(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               rootReading("zone.hcl", "env.hcl"),
		"zone.hcl":               "locals {\n  region = \"outer\"\n}\n",
		"dev/env.hcl":            "locals {\n  region = \"inner\"\n  zone_region = \"a\"\n  zone_region_2 = \"b\"\n}\n",
		"dev/app/terragrunt.hcl": includeRoot,
	})
	env := fileOf(t, r, "infra/live/dev/env.hcl")
	for _, w := range []string{"zone_region_3 = \"outer\"\n", "  region        = \"inner\"\n"} {
		if !strings.Contains(env, w) {
			t.Errorf("env.hcl lacks %q:\n%s", w, env)
		}
	}
}

// A unit's own read_terragrunt_config may name its file with the root's
// exposed locals.
func TestReadConfigPathFromIncludedLocal(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               "locals {\n  env_file = \"env.hcl\"\n}\n",
		"dev/env.hcl":            "locals {\n  environment = \"dev\"\n}\n",
		"dev/app/terragrunt.hcl": includeRoot + "inputs = {\n  e = read_terragrunt_config(find_in_parent_folders(include.root.locals.env_file)).locals.environment\n}\n",
	})
	if len(r.NotConverted) != 0 {
		t.Errorf("not converted: %v", r.NotConverted)
	}
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, "e = env.environment\n") {
		t.Errorf("unit.hcl:\n%s", unit)
	}
}
