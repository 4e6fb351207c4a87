package config

import (
	"maps"
	"strings"
	"testing"
)

// Root locals that use unit are evaluated for each unit; the others once
// for the stack, with the same values.
func TestRootLocalsPerUnit(t *testing.T) {
	for _, locals := range []string{
		`locals { who = "${unit.name}-x" }`,
		`locals { who = "${upper(unit.name)}-${env.name}" }`,
	} {
		files := map[string]string{
			"stackctl.hcl":            "project = \"p\"\n" + locals + "\ninputs = { who = local.who }\n",
			"infra/modules/m/main.tf": "",
			"infra/live/dev/env.hcl":  "",
		}
		for _, u := range []string{"a", "b", "c"} {
			files["infra/live/dev/"+u+"/unit.hcl"] = "source = \"../../../modules/m\"\n"
		}
		st := mustLoad(t, files, "dev")
		var got []string
		for _, u := range []string{"a", "b", "c"} {
			got = append(got, str(t, inputs(t, st, u, nil)["who"].Value))
		}
		want := "a-x b-x c-x"
		if strings.Contains(locals, "upper") {
			want = "A-dev B-dev C-dev"
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %q, want %q", locals, got, want)
		}
	}
}

// An included file's source, dependency and generate blocks cannot read
// include (only the unit.hcl has the include blocks); the unit.hcl's can.
func TestIncludeInStaticSettings(t *testing.T) {
	files := maps.Clone(includeTree)
	files["infra/units/service.hcl"] = "locals { db = \"../db\" }\nsource = \"../modules/m\"\n"
	files["infra/live/dev/api/unit.hcl"] = plainInclude + "\n" + `dependency "db" { path = include.service.locals.db }` + "\n"
	st := mustLoad(t, files, "dev")
	if deps := st.Unit("api").Dependencies; len(deps) != 1 || deps[0].Path != "db" {
		t.Errorf("api dependencies %+v", deps)
	}
	for name, src := range map[string]string{
		"source":     "source = include.service.locals.m\n",
		"dependency": "source = \"../modules/m\"\ndependency \"x\" { path = include.service.locals.db }\n",
	} {
		files["infra/units/service.hcl"] = src
		_, diags := load(t, files, "dev", nil)
		if got := located(diags); !strings.Contains(got, "infra/units/service.hcl:") || !strings.Contains(got, "include is not available here; "+includeOnlyInUnit) {
			t.Errorf("%s: %s", name, got)
		}
	}
}
