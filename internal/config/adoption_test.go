package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestDiscoverBlock(t *testing.T) {
	with := func(root, env string) map[string]string {
		return map[string]string{
			"stackctl.hcl":              "project = \"shop\"\n" + root,
			"infra/live/dev/env.hcl":    env,
			"infra/live/dev/a/unit.hcl": "",
		}
	}
	st, diags := load(t, with("", "vars = { region = \"eu-west-1\" }\n"), "dev", nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d, diags := st.Discovery()
	want := &Discovery{Tags: map[string]string{"Project": "shop", "Environment": "dev"}, UnitTag: "Unit", Regions: []string{"eu-west-1"}}
	if diags.HasErrors() || !reflect.DeepEqual(d, want) {
		t.Fatalf("default: %+v %v", d, diags)
	}

	st, diags = load(t, with("discover {\n  tags = { App = project, Stage = upper(env.name) }\n  unit_tag = \"\"\n  regions = [env.region, \"us-east-1\"]\n}\n", "vars = { region = \"eu-west-1\" }\n"), "dev", nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d, diags = st.Discovery()
	if diags.HasErrors() || !reflect.DeepEqual(d.Tags, map[string]string{"App": "shop", "Stage": "DEV"}) || d.UnitTag != "" || !reflect.DeepEqual(d.Regions, []string{"eu-west-1", "us-east-1"}) {
		t.Fatalf("block: %+v %v", d, diags)
	}

	for root, want := range map[string]string{
		"discover {\n  tags = {}\n}\n":                   "Invalid tags",
		"discover {\n  tags = \"x\"\n}\n":                "Invalid tags",
		"discover {\n  tags = { A = unit.path }\n}\n":    "unit is not available here",
		"discover {\n  regions = [local.r]\n}\n":         "local is not available here",
		"discover {\n  regions = 3\n}\n":                 "Invalid regions",
		"discover {\n  tag = { A = \"b\" }\n}\n":         "Unsupported argument",
		"discover {\n  unit_tag = sensitive(\"x\")\n}\n": "Sensitive value not allowed",
	} {
		st, diags := load(t, with(root, ""), "dev", nil)
		if !diags.HasErrors() {
			_, diags = st.Discovery()
		}
		if !diags.HasErrors() || !strings.Contains(diags.Error(), want) || !strings.Contains(diags.Error(), "stackctl.hcl:") {
			t.Errorf("%q: %v, want %q at stackctl.hcl", root, diags, want)
		}
	}
}
