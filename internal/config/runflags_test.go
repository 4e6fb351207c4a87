package config

import (
	"maps"
	"strings"
	"testing"
)

var runFlagsTree = map[string]string{
	"stackctl.hcl":            `project = "shop"`,
	"infra/modules/m/main.tf": `variable "x" {}`,
	"infra/live/dev/env.hcl":  "",
	"infra/units/app.hcl": `
source = "../modules/m"
dependencies { paths = ["../monitoring"] }
exclude {
  if     = env.name == "dev"
  reason = "not in ${env.name}"
}
prevent_destroy = true
`,
	"infra/live/dev/monitoring/unit.hcl": `source = "../../../modules/m"`,
	"infra/live/dev/network/unit.hcl":    `source = "../../../modules/m"`,
	"infra/live/dev/db/unit.hcl": `
include "app" { path = "../../../units/app.hcl" }
dependencies { paths = ["../network", "../monitoring"] }
exclude {
  if      = true
  reason  = "migrated by hand"
  actions = ["plan", "apply"]
}
prevent_destroy = false
`,
	"infra/live/dev/api/unit.hcl": `include "app" { path = "../../../units/app.hcl" }`,
	"infra/live/dev/web/unit.hcl": `source = "../../../modules/m"`,
}

func TestDependenciesExcludePreventDestroy(t *testing.T) {
	st := mustLoad(t, runFlagsTree, "dev")
	db, api, web := st.Unit("db"), st.Unit("api"), st.Unit("web")
	paths := func(u *Unit) string {
		var s []string
		for _, d := range u.OrderDependencies {
			s = append(s, d.Path)
		}
		return strings.Join(s, ",")
	}
	if got := paths(db); got != "monitoring,network" {
		t.Errorf("db order-only %q: the include's and its own, each once", got)
	}
	if len(db.Dependencies) != 0 {
		t.Errorf("db data dependencies %v", db.Dependencies)
	}
	if db.Exclude == nil || !db.Exclude.If || db.Exclude.Reason != "migrated by hand" || strings.Join(db.Exclude.Actions, ",") != "plan,apply" {
		t.Errorf("db exclude %+v", db.Exclude)
	}
	if db.PreventDestroy {
		t.Error("db: the unit's prevent_destroy = false overrides the include's")
	}
	if api.Exclude == nil || !api.Exclude.If || api.Exclude.Reason != "not in dev" || api.Exclude.Actions != nil || !api.PreventDestroy {
		t.Errorf("api (inherited): exclude %+v, prevent_destroy %v", api.Exclude, api.PreventDestroy)
	}
	if web.Exclude != nil || web.PreventDestroy || len(web.OrderDependencies) != 0 {
		t.Errorf("web: %+v %v %v", web.Exclude, web.PreventDestroy, web.OrderDependencies)
	}
}

func TestRunFlagErrors(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"missing unit":      {`dependencies { paths = ["../nope"] }`, `Dependency on a missing unit "nope"`},
		"outside":           {`dependencies { paths = ["../../prod/x"] }`, "Dependency outside the environment"},
		"itself":            {`dependencies { paths = ["."] }`, "Unit depends on itself"},
		"not a list":        {`dependencies { paths = "../network" }`, "paths must be a list"},
		"number":            {`dependencies { paths = [5] }`, "Each path must be a string, not number"},
		"two blocks":        {"dependencies { paths = [] }\ndependencies { paths = [] }", "Duplicate dependencies block"},
		"exclude if string": {`exclude { if = "yes" }`, "if must be true or false, not string"},
		"exclude no if":     {`exclude { reason = "x" }`, `"if" is required`},
		"exclude actions":   {`exclude {` + "\n" + `if = true` + "\n" + `actions = "plan"` + "\n}", "actions must be a list"},
		"prevent_destroy":   {`prevent_destroy = "true"`, "prevent_destroy must be true or false, not string"},
		"dependency in if":  {`exclude { if = dependency.x.outputs.y }`, "dependency is not available here"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			files := maps.Clone(runFlagsTree)
			files["infra/live/dev/web/unit.hcl"] = "source = \"../../../modules/m\"\n" + c.src + "\n"
			_, diags := load(t, files, "dev", nil)
			if !diags.HasErrors() {
				t.Fatal("accepted")
			}
			text := ""
			for _, d := range diags {
				text += d.Summary + ": " + d.Detail + "\n"
				if d.Subject == nil {
					t.Errorf("no location: %s", d.Summary)
				}
			}
			if !strings.Contains(text, c.want) {
				t.Errorf("%q not in\n%s", c.want, text)
			}
		})
	}
}

// paths written as an expression rather than a list: its elements have
// no ranges of their own, so errors point at the whole expression, and
// the valid ones still count.
func TestDependencyPathsFromAnExpression(t *testing.T) {
	files := maps.Clone(runFlagsTree)
	files["infra/live/dev/web/unit.hcl"] = `source = "../../../modules/m"
locals { deps = ["../network", 5] }
dependencies { paths = concat(local.deps, ["../monitoring", true]) }
`
	_, diags := load(t, files, "dev", nil)
	got := located(diags)
	for _, want := range []string{
		"unit.hcl:3:24: Invalid paths; Each path must be a string, not number.",
		"unit.hcl:3:24: Invalid paths; Each path must be a string, not bool.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
	if len(diags) != 2 {
		t.Errorf("%d diagnostics:\n%s", len(diags), got)
	}
	files["infra/live/dev/web/unit.hcl"] = `source = "../../../modules/m"
locals { deps = ["../network", "../monitoring", "../network"] }
dependencies { paths = local.deps }
`
	st := mustLoad(t, files, "dev")
	od := st.Unit("web").OrderDependencies
	if len(od) != 2 || od[0].Path != "network" || od[1].Path != "monitoring" || od[0].Range.Start.Line != 3 || od[0].Range.Start.Column != 24 || od[1].Range != od[0].Range {
		t.Errorf("order dependencies %+v", od)
	}
}
