package convert

import (
	"strconv"
	"strings"
	"testing"
)

// Terragrunt reads include.root only when its include block sets expose
// = true: a reference without it is reported once per include, at the
// first reference, and converted as meant.
func TestIncludeReadWithoutExpose(t *testing.T) {
	hidden := "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n"
	r := convertTree(t, map[string]string{
		"root.hcl":    "locals {\n  size = \"small\"\n  base = \"../../modules\"\n}\n",
		"dev/env.hcl": "",
		"dev/app/terragrunt.hcl": hidden + `terraform {
  source = "${include.root.locals.base}/app"
}
inputs = {
  size  = include.root.locals.size
  again = include.root.locals.size
}
`,
		"dev/db/terragrunt.hcl": includeRoot + "inputs = {\n  size = include.root.locals.size\n}\n",
	})
	var got []string
	for _, i := range r.NotConverted {
		got = append(got, i.File+":"+strconv.Itoa(i.Line)+":"+strconv.Itoa(i.Column)+" "+i.Construct+": "+i.Reason)
	}
	want := "dev/app/terragrunt.hcl:5:15 include.root: its include block (line 1) does not set expose = true, so Terragrunt refuses the reference; converted as if it did: add expose = true there, or use the value itself"
	if len(got) != 1 || got[0] != want {
		t.Errorf("issues:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	if unit := fileOf(t, r, "infra/live/dev/app/unit.hcl"); !strings.Contains(unit, `size  = "small"`) {
		t.Errorf("the value was not converted:\n%s", unit)
	}
}
