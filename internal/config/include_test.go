package config

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/testutil"
)

// includeTree has one shared service definition included by three units:
// api overrides an input and a dependency, web includes it by a relative
// path, worker replaces the source.
var includeTree = map[string]string{
	"stackctl.hcl":                 `project = "shop"` + "\ninputs = { size = \"root\" }\n",
	"infra/modules/m/main.tf":      `variable "x" {}`,
	"infra/modules/worker/main.tf": `variable "x" {}`,
	"infra/units/service.hcl": `
source = "../modules/m"   # relative to this file
locals { port = 8080 }
dependency "network" {
  path         = "../network" # relative to the including unit
  mock_outputs = { vpc_id = "vpc-shared" }
}
dependency "db" {
  path         = "../db"
  mock_outputs = { url = "postgres://db" }
}
inputs = {
  port   = local.port
  name   = "${unit.name}-${env.name}"
  vpc    = dependency.network.outputs.vpc_id
  size   = "small"
  region = env.region
  db     = dependency.db.outputs.url
}
`,
	"infra/live/dev/env.hcl":           "vars = { region = \"eu-west-1\" }\n",
	"infra/live/dev/network/unit.hcl":  "source = \"../../../modules/m\"\n",
	"infra/live/dev/network2/unit.hcl": "source = \"../../../modules/m\"\n",
	"infra/live/dev/db/unit.hcl":       "source = \"../../../modules/m\"\n",
	"infra/live/dev/api/unit.hcl": `
include "service" {
  path = "${get_repo_root()}/infra/units/service.hcl"
}
locals { big = include.service.locals.port + 1 }
dependency "network" {
  path         = "../network2"
  mock_outputs = { vpc_id = "vpc-own" }
}
inputs = {
  size = "large"
  big  = local.big
}
`,
	"infra/live/dev/web/unit.hcl": `include "service" { path = "../../../units/service.hcl" }` + "\n",
	"infra/live/dev/worker/unit.hcl": `
include "service" { path = "${get_repo_root()}/infra/units/service.hcl" }
source = "../../../modules/worker"
`,
}

const plainInclude = `include "service" { path = "${get_repo_root()}/infra/units/service.hcl" }`

func mockDeps(u *Unit) map[string]DependencyOutputs {
	deps := map[string]DependencyOutputs{}
	for _, d := range u.Dependencies {
		deps[d.Name], _ = MockOutputs(d)
	}
	return deps
}

func TestIncludeMerges(t *testing.T) {
	st := mustLoad(t, includeTree, "dev")
	api, web, worker := st.Unit("api"), st.Unit("web"), st.Unit("worker")
	if len(api.Includes) != 1 || api.Includes[0].Name != "service" || filepath.Base(api.Includes[0].File) != "service.hcl" {
		t.Fatalf("includes %+v", api.Includes)
	}
	for _, u := range []*Unit{api, web} {
		if !u.Source.Local || filepath.Base(u.Source.Dir) != "m" || !strings.HasSuffix(u.Source.Range.Filename, "service.hcl") {
			t.Errorf("%s: source %+v", u.Path, u.Source)
		}
	}
	if filepath.Base(worker.Source.Dir) != "worker" {
		t.Errorf("worker source %+v: the unit's own source replaces the included one", worker.Source)
	}
	// Dependencies merge by name: api's network replaces the shared one.
	deps := func(u *Unit) string {
		var s []string
		for _, d := range u.Dependencies {
			s = append(s, d.Name+"="+d.Path)
		}
		return strings.Join(s, ",")
	}
	if got := deps(api); got != "network=network2,db=db" {
		t.Errorf("api dependencies %s", got)
	}
	if got := deps(web); got != "network=network,db=db" {
		t.Errorf("web dependencies %s", got)
	}

	ins := inputs(t, st, "api", mockDeps(api))
	want := map[string]string{"name": "api-dev", "vpc": "vpc-own", "size": "large", "region": "eu-west-1", "db": "postgres://db"}
	for k, v := range want {
		if got := str(t, ins[k].Value); got != v {
			t.Errorf("api %s = %q, want %q", k, got, v)
		}
	}
	if p, _ := ins["big"].Value.AsBigFloat().Int64(); p != 8081 {
		t.Errorf("big = %v: include.service.locals.port + 1", ins["big"].Value)
	}
	port := ins["port"]
	if port.Layer != LayerInclude || port.Include != "service" || filepath.Base(port.File) != "service.hcl" || port.Range.Start.Line != 13 {
		t.Errorf("port provenance %+v", port)
	}
	size := ins["size"]
	if size.Layer != LayerUnit || len(size.Overrides) != 2 || size.Overrides[0] != LayerRoot || size.Overrides[1] != LayerInclude {
		t.Errorf("size provenance %+v", size)
	}
	if got := str(t, inputs(t, st, "web", mockDeps(web))["name"].Value); got != "web-dev" {
		t.Errorf("web name %q: an included file sees the including unit", got)
	}
}

func TestIncludeErrors(t *testing.T) {
	cases := []struct {
		name  string
		edit  map[string]string
		wants []string
	}{
		{"missing file", map[string]string{"infra/live/dev/web/unit.hcl": `include "service" { path = "../nope.hcl" }`},
			[]string{"Cannot read configuration file", `include "service"`}},
		{"nested include", map[string]string{"infra/units/service.hcl": `include "x" { path = "other.hcl" }`, "infra/live/dev/api/unit.hcl": plainInclude},
			[]string{"Nested include", "one level deep"}},
		{"itself", map[string]string{"infra/live/dev/web/unit.hcl": `include "me" { path = "unit.hcl" }`},
			[]string{"Unit includes itself"}},
		{"duplicate", map[string]string{"infra/live/dev/web/unit.hcl": "include \"a\" { path = \"../../../units/service.hcl\" }\ninclude \"a\" { path = \"../../../units/service.hcl\" }\n"},
			[]string{"Duplicate include"}},
		{"local in path", map[string]string{"infra/live/dev/web/unit.hcl": "locals { p = \"x\" }\ninclude \"a\" { path = local.p }\n"},
			[]string{"local is not available here", "read before locals"}},
		{"include in included file", map[string]string{"infra/units/service.hcl": "inputs = { a = include.x.locals.y }\n", "infra/live/dev/api/unit.hcl": plainInclude},
			[]string{"include is not available here"}},
		{"unknown include", map[string]string{"infra/live/dev/web/unit.hcl": "include \"service\" { path = \"../../../units/service.hcl\" }\ninputs = { a = include.servce.locals.port }\n"},
			[]string{`Unknown include "servce"`, "did you mean `service`?"}},
		{"duplicate verify in one included file", map[string]string{"infra/units/service.hcl": "verify \"up\" {\n  assert {\n    condition = true\n    message   = \"x\"\n  }\n}\nverify \"up\" {\n  assert {\n    condition = true\n    message   = \"x\"\n  }\n}\n", "infra/live/dev/api/unit.hcl": plainInclude},
			[]string{"Duplicate verify block", `verify "up" is already declared at infra/units/service.hcl:1:1`}},
		{"duplicate dependency in one file", map[string]string{"infra/units/service.hcl": "dependency \"a\" { path = \"../db\" }\ndependency \"a\" { path = \"../db\" }\n", "infra/live/dev/api/unit.hcl": plainInclude},
			[]string{"Duplicate dependency"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := maps.Clone(includeTree)
			maps.Copy(files, c.edit)
			dir := testutil.WriteTree(t, files)
			st, diags := NewLoader(Options{Dir: dir}).Load("dev")
			if !diags.HasErrors() {
				for _, u := range st.Units {
					_, d := st.Inputs(u, mockDeps(u))
					diags = append(diags, d...)
				}
			}
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			text := ""
			for _, d := range diags {
				text += d.Summary + ": " + d.Detail + "\n"
				if d.Subject == nil {
					t.Errorf("no location: %s", d.Summary)
				}
			}
			for _, w := range c.wants {
				if !strings.Contains(text, w) {
					t.Errorf("%q not in\n%s", w, text)
				}
			}
		})
	}
}

// An included file's locals and inputs are evaluated for each unit with
// that unit's env and unit, so they differ per unit; marks survive.
func TestIncludedFileSeesEachUnit(t *testing.T) {
	files := maps.Clone(includeTree)
	files["infra/units/service.hcl"] = `
locals { id = "${env.name}/${unit.path}" }
inputs = { id = local.id, secret = sensitive("s") }
`
	files["infra/live/dev/api/unit.hcl"] = plainInclude
	st := mustLoad(t, files, "dev")
	for _, p := range []string{"api", "web"} {
		ins := inputs(t, st, p, mockDeps(st.Unit(p)))
		if got := str(t, ins["id"].Value); got != "dev/"+p {
			t.Errorf("%s id = %q", p, got)
		}
		if !ins["secret"].Sensitive() {
			t.Errorf("%s: secret lost its mark", p)
		}
	}
	if st.Unit("web").Source.None != true {
		t.Errorf("web has no source anywhere: %+v", st.Unit("web").Source)
	}
}

// A shared definition declares the checks every env runs; a unit.hcl
// replaces one by name, and enabled turns one off where it cannot run.
func TestIncludedVerify(t *testing.T) {
	files := maps.Clone(includeTree)
	files["infra/units/service.hcl"] += `
verify "port" {
  assert {
    condition = inputs.port == local.port
    message   = "port is ${inputs.port}, not ${local.port}"
  }
}
verify "issuer" {
  assert {
    condition = outputs.issuer == "https://auth.${env.name}.example.com"
    message   = "issuer is ${outputs.issuer}"
  }
}
verify "edge" {
  enabled = !inputs.emulator
  tls { host = "www.example.com" }
}
`
	files["infra/live/dev/api/unit.hcl"] += `
verify "issuer" {
  assert {
    condition = outputs.issuer == "https://auth.example.com"
    message   = "dev issuer is ${outputs.issuer}"
  }
}
`
	st := mustLoad(t, files, "dev")
	outs := map[string]cty.Value{"issuer": cty.StringVal("https://auth.example.com")}
	check := func(unit string, emulator bool) map[string]*VerifySpec {
		t.Helper()
		ins := map[string]cty.Value{"port": cty.NumberIntVal(8080), "emulator": cty.BoolVal(emulator)}
		specs, diags := st.EvalVerify(st.Unit(unit), outs, ins)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", unit, diags.Error())
		}
		got := map[string]*VerifySpec{}
		for _, s := range specs {
			got[s.Name] = s
		}
		return got
	}
	api := check("api", true)
	if len(api) != 2 || api["edge"] != nil {
		t.Fatalf("api: want port and issuer (edge off on the emulator), got %v", slices.Sorted(maps.Keys(api)))
	}
	if !api["port"].Assert.Passed {
		t.Errorf("port check evaluated with the wrong locals: %+v", api["port"].Assert)
	}
	if !api["issuer"].Assert.Passed || !strings.Contains(api["issuer"].At, "infra/live/dev/api/unit.hcl") {
		t.Errorf("the unit.hcl's issuer check does not replace the shared one: %+v at %s", api["issuer"].Assert, api["issuer"].At)
	}
	web := check("web", false)
	if len(web) != 3 || web["edge"] == nil || web["edge"].TLS.Host != "www.example.com" {
		t.Fatalf("web: want three checks, got %v", slices.Sorted(maps.Keys(web)))
	}
	if web["issuer"].Assert.Passed || web["issuer"].Assert.Message != "issuer is https://auth.example.com" {
		t.Errorf("web: shared issuer check: %+v", web["issuer"].Assert)
	}
	if !strings.Contains(web["issuer"].At, "infra/units/service.hcl") {
		t.Errorf("web: the check is located at %s, not in the file it is written in", web["issuer"].At)
	}

	files["infra/units/service.hcl"] += "verify \"bad\" {\n  enabled = \"yes\"\n  tls { host = \"a\" }\n}\n"
	st = mustLoad(t, files, "dev")
	_, diags := st.EvalVerify(st.Unit("web"), outs, map[string]cty.Value{"port": cty.NumberIntVal(8080), "emulator": cty.False})
	if got := located(diags); !strings.Contains(got, "service.hcl") || !strings.Contains(got, "Invalid enabled") {
		t.Errorf("enabled that is not a bool: %s", got)
	}
}
