package config

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/testutil"
)

func load(t *testing.T, files map[string]string, env string, getenv map[string]string) (*Stack, hcl.Diagnostics) {
	t.Helper()
	dir := testutil.WriteTree(t, files)
	l := NewLoader(Options{Dir: dir, Getenv: func(k string) (string, bool) { v, ok := getenv[k]; return v, ok }})
	return l.Load(env)
}

func mustLoad(t *testing.T, files map[string]string, env string) *Stack {
	t.Helper()
	st, diags := load(t, files, env, nil)
	if diags.HasErrors() {
		t.Fatalf("load: %s", diags.Error())
	}
	return st
}

func inputs(t *testing.T, st *Stack, unit string, deps map[string]DependencyOutputs) map[string]Input {
	t.Helper()
	ins, diags := st.Inputs(st.Unit(unit), deps)
	if diags.HasErrors() {
		t.Fatalf("inputs of %s: %s", unit, diags.Error())
	}
	out := map[string]Input{}
	for _, in := range ins {
		out[in.Name] = in
	}
	return out
}

func str(t *testing.T, v cty.Value) string {
	t.Helper()
	v, _ = v.Unmark()
	if v.Type() != cty.String {
		t.Fatalf("not a string: %#v", v)
	}
	return v.AsString()
}

var base = map[string]string{
	"stackctl.hcl": `
project = "shop"
locals { owner = "platform-${env.name}" }
inputs = {
  project_name = project
  environment  = env.name
  owner        = local.owner
  domain       = "root.example"
  unit_path    = unit.path
}
`,
	"infra/modules/m/main.tf": `variable "x" {}`,
	"infra/live/dev/env.hcl": `
locals {
  base  = "example.com"
  www   = "www.${local.base}"
}
vars = {
  region = "eu-west-1"
  domain = local.www
}
inputs = {
  domain = env.domain
  region = env.region
}
`,
	"infra/live/dev/network/unit.hcl": `
source = "../../../modules/m"
inputs = { cidr = cidrsubnet("10.0.0.0/16", 8, 2) }
`,
	"infra/live/dev/apps/api/unit.hcl": `
source = "../../../../modules/m"
locals { port = 3001 }
dependency "network" {
  path         = "../../network"
  mock_outputs = { vpc_id = "vpc-mock" }
}
inputs = {
  domain = "api.${env.domain}"
  port   = local.port
  vpc_id = dependency.network.outputs.vpc_id
  name   = "${project}-${unit.name}"
}
`,
}

func TestLoadAndMerge(t *testing.T) {
	st := mustLoad(t, base, "dev")
	if got := strings.Join(st.UnitPaths(), ","); got != "apps/api,network" {
		t.Fatalf("units %s", got)
	}
	api := st.Unit("apps/api")
	if api.Name != "api" || len(api.Dependencies) != 1 || api.Dependencies[0].Path != "network" {
		t.Fatalf("api unit: %+v", api)
	}
	if api.Backend.Type != BackendLocal || !strings.HasSuffix(api.Backend.String("path"), filepath.Join(".stackctl", "state", "dev", "apps", "api", "terraform.tfstate")) {
		t.Fatalf("backend %+v", api.Backend)
	}
	mock, _ := MockOutputs(api.Dependencies[0])
	ins := inputs(t, st, "apps/api", map[string]DependencyOutputs{"network": mock})
	want := map[string]string{
		"project_name": "shop", "environment": "dev", "owner": "platform-dev", "region": "eu-west-1",
		"domain": "api.www.example.com", "vpc_id": "vpc-mock", "name": "shop-api", "unit_path": "apps/api",
	}
	for k, v := range want {
		if got := str(t, ins[k].Value); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if ins["domain"].Layer != LayerUnit || len(ins["domain"].Overrides) != 2 {
		t.Errorf("domain provenance: %+v", ins["domain"])
	}
	if ins["region"].Layer != LayerEnv || !strings.HasSuffix(ins["region"].Range.Filename, "env.hcl") || ins["region"].Range.Start.Line != 12 {
		t.Errorf("region provenance: %+v", ins["region"])
	}
	if p, _ := ins["port"].Value.AsBigFloat().Int64(); p != 3001 {
		t.Errorf("port %v", ins["port"].Value)
	}
	net := inputs(t, st, "network", nil)
	if got := str(t, net["cidr"].Value); got != "10.0.2.0/24" {
		t.Errorf("cidrsubnet: %s", got)
	}
	if got := str(t, net["domain"].Value); got != "www.example.com" {
		t.Errorf("env input over root: %s", got)
	}
}

func TestSensitiveDependencyOutputsStayMarked(t *testing.T) {
	st := mustLoad(t, base, "dev")
	deps := map[string]DependencyOutputs{"network": {Values: map[string]cty.Value{
		"vpc_id": cty.StringVal("secret-vpc").Mark(Sensitive),
	}, From: "state"}}
	ins := inputs(t, st, "apps/api", deps)
	if !ins["vpc_id"].Sensitive() {
		t.Fatal("a sensitive output lost its mark")
	}
	if ins["domain"].Sensitive() {
		t.Fatal("an ordinary input became sensitive")
	}
}

func TestUnknownOutputsInRender(t *testing.T) {
	st := mustLoad(t, base, "dev")
	ins := inputs(t, st, "apps/api", map[string]DependencyOutputs{"network": {Unknown: true}})
	if ins["vpc_id"].Value.IsKnown() {
		t.Fatal("vpc_id should be unknown")
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name  string
		edit  map[string]string
		env   string
		wants []string
	}{
		{"unknown env", nil, "qa", []string{`Unknown environment "qa"`, "Environments in infra/live: dev"}},
		{"missing source", map[string]string{"infra/live/dev/network/unit.hcl": `source = "../nowhere"`}, "dev", []string{"Module source not found"}},
		{"locals cycle", map[string]string{"infra/live/dev/network/unit.hcl": `
source = "../../../modules/m"
locals {
  a = local.b
  b = local.a
}`}, "dev", []string{"Locals refer to each other in a cycle", "local.a, local.b"}},
		{"unit in env vars", map[string]string{"infra/live/dev/env.hcl": `vars = { x = unit.name }`}, "dev", []string{"unit is not available here"}},
		{"dependency outside env", map[string]string{"infra/live/dev/network/unit.hcl": `
source = "../../../modules/m"
dependency "x" { path = "../../prod/network" }`}, "dev", []string{"Dependency outside the environment"}},
		{"duplicate state key", map[string]string{"stackctl.hcl": `
project = "p"
remote_state {
  backend = "s3"
  config = { bucket = "b", key = "same", region = "eu-west-1" }
}`}, "dev", []string{"Two units share one state", "apps/api and network", "s3://b/same"}},
		{"unsupported backend", map[string]string{"stackctl.hcl": `
project = "p"
remote_state { backend = "gcs" }`}, "dev", []string{`backend "gcs" is not supported`}},
		{"get_env without default", map[string]string{"infra/live/dev/env.hcl": `vars = { x = get_env("STACKCTL_TEST_UNSET") }`}, "dev", []string{"STACKCTL_TEST_UNSET is not set"}},
		{"unknown attribute", map[string]string{"infra/live/dev/network/unit.hcl": `
source = "../../../modules/m"
sources = "x"`}, "dev", []string{`An argument named "sources" is not expected here`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range base {
				files[k] = v
			}
			for k, v := range c.edit {
				files[k] = v
			}
			_, diags := load(t, files, c.env, nil)
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			text := diags.Error()
			for _, d := range diags {
				text += " " + d.Detail
			}
			for _, w := range c.wants {
				if !strings.Contains(text, w) {
					t.Errorf("%q not in %s", w, text)
				}
			}
			for _, d := range diags {
				if d.Subject == nil && c.env == "dev" && !strings.Contains(c.name, "get_env") && !strings.Contains(c.name, "unknown env") {
					t.Errorf("diagnostic without a location: %s", d.Summary)
				}
			}
		})
	}
}

func TestS3BackendRenderedPerUnit(t *testing.T) {
	files := map[string]string{}
	for k, v := range base {
		files[k] = v
	}
	files["stackctl.hcl"] = `
project = "shop"
remote_state {
  backend = "s3"
  config = {
    bucket       = "${project}-tfstate-${env.name}"
    key          = "${unit.path}/terraform.tfstate"
    region       = env.region
    use_lockfile = true
    endpoints    = { s3 = get_env("S3_URL", "http://127.0.0.1:1") }
  }
}`
	st, diags := load(t, files, "dev", map[string]string{"S3_URL": "http://127.0.0.1:9"})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	b := st.Unit("apps/api").Backend
	if b.Type != BackendS3 || b.StateKey() != "s3://shop-tfstate-dev/apps/api/terraform.tfstate" || b.String("region") != "eu-west-1" {
		t.Fatalf("backend %+v %s", b, b.StateKey())
	}
	if ep := b.Config["endpoints"].GetAttr("s3").AsString(); ep != "http://127.0.0.1:9" {
		t.Fatalf("endpoints.s3 = %s", ep)
	}
}

func TestFileFunctionsAreRelativeToTheFile(t *testing.T) {
	files := map[string]string{}
	for k, v := range base {
		files[k] = v
	}
	files["infra/live/dev/network/cidr.txt"] = "10.1.0.0/16\n"
	files["infra/live/dev/network/tpl.tftpl"] = "host=${host}"
	files["infra/live/dev/network/unit.hcl"] = `
source = "../../../modules/m"
inputs = {
  cidr   = trimspace(file("cidr.txt"))
  exists = fileexists("cidr.txt")
  tpl    = templatefile("tpl.tftpl", { host = "db" })
  set    = fileset(".", "*.txt")
  b64    = base64decode(base64encode("héllo"))
  sha    = sha256("x")
  tried  = try(local.nope, "fallback")
}`
	st := mustLoad(t, files, "dev")
	ins := inputs(t, st, "network", nil)
	checks := map[string]string{"cidr": "10.1.0.0/16", "tpl": "host=db", "b64": "héllo", "tried": "fallback",
		"sha": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"}
	for k, v := range checks {
		if got := str(t, ins[k].Value); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !ins["exists"].Value.True() || ins["set"].Value.LengthInt() != 1 {
		t.Errorf("exists=%v set=%v", ins["exists"].Value, ins["set"].Value)
	}
}

func TestEachFileParsedOnce(t *testing.T) {
	dir := testutil.WriteTree(t, base)
	l := NewLoader(Options{Dir: dir})
	st, diags := l.Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, u := range st.Units {
		deps := map[string]DependencyOutputs{}
		for _, d := range u.Dependencies {
			deps[d.Name], _ = MockOutputs(d)
		}
		if _, diags := st.Inputs(u, deps); diags.HasErrors() {
			t.Fatal(diags.Error())
		}
	}
	// stackctl.hcl, env.hcl, two unit.hcl: each parsed once, however many
	// units evaluate the root and env files.
	if n := len(l.Files()); n != 4 {
		t.Fatalf("parsed %d files, want 4: %v", n, keys(l.Files()))
	}
	if l.files.parses != 4 {
		t.Fatalf("%d parses of 4 files", l.files.parses)
	}

	// A shared definition included by three units is parsed once too:
	// stackctl.hcl, env.hcl, six unit.hcl and infra/units/service.hcl.
	dir = testutil.WriteTree(t, includeTree)
	l = NewLoader(Options{Dir: dir})
	st, diags = l.Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, u := range st.Units {
		if _, diags := st.Inputs(u, mockDeps(u)); diags.HasErrors() {
			t.Fatal(diags.Error())
		}
	}
	if n := len(l.Files()); n != 9 || l.files.parses != 9 {
		t.Fatalf("%d files in %d parses, want 9 in 9: %v", n, l.files.parses, keys(l.Files()))
	}
}

// The root file is evaluated for every unit; a mistake in it is still one
// error, not one per unit.
func TestRootFileErrorReportedOnce(t *testing.T) {
	for name, root := range map[string]string{
		"local":   "project = \"p\"\nlocals { owner = upper(42, 1) }\n",
		"backend": "project = \"p\"\nremote_state { backend = \"gcs\" }\n",
	} {
		t.Run(name, func(t *testing.T) {
			files := maps.Clone(base)
			files["stackctl.hcl"] = root
			_, diags := load(t, files, "dev", nil)
			if len(diags) != 1 || !diags.HasErrors() {
				t.Fatalf("want one error, got %d:\n%s", len(diags), diags.Error())
			}
		})
	}
}

// sensitive() around a whole object marks every value in it; reading the
// object must not panic (cty's AsValueMap refuses marked values).
func TestWholeObjectSensitive(t *testing.T) {
	files := maps.Clone(base)
	files["stackctl.hcl"] = `
project = "shop"
remote_state {
  backend = "s3"
  config  = sensitive({ bucket = "b", key = "${unit.path}.tfstate", region = env.region })
}`
	files["infra/live/dev/env.hcl"] = `vars = sensitive({ region = "eu-west-1", domain = "example.com" })`
	files["infra/live/dev/apps/api/unit.hcl"] = strings.Replace(base["infra/live/dev/apps/api/unit.hcl"],
		`mock_outputs = { vpc_id = "vpc-mock" }`, `mock_outputs = sensitive({ vpc_id = "vpc-mock" })`, 1)
	st := mustLoad(t, files, "dev")
	if !IsSensitive(st.Env.Vars["region"]) {
		t.Error("env.region lost the sensitive mark")
	}
	b := st.Unit("apps/api").Backend
	if !IsSensitive(b.Config["bucket"]) || b.StateKey() != "s3://b/apps/api.tfstate" {
		t.Errorf("backend %+v %s", b, b.StateKey())
	}
	mock, _ := MockOutputs(st.Unit("apps/api").Dependencies[0])
	ins := inputs(t, st, "apps/api", map[string]DependencyOutputs{"network": mock})
	if !ins["vpc_id"].Sensitive() || str(t, ins["vpc_id"].Value) != "vpc-mock" {
		t.Errorf("vpc_id %#v", ins["vpc_id"].Value)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
