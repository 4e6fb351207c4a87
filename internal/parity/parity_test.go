package parity

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const rootFile = `
project = "shop"
inputs = {
  environment = env.name
  bucket      = "${project}-assets-${env.name}"
}
`

// base is two environments that differ only where each follows its own
// domain and name.
func base() map[string]string {
	files := map[string]string{
		"stackctl.hcl":                  rootFile,
		"infra/modules/network/main.tf": `variable "cidr" {}`,
		"infra/modules/service/main.tf": `variable "hostnames" {}`,
	}
	for _, env := range []string{"staging", "prod"} {
		domain := "staging.example.com"
		if env == "prod" {
			domain = "example.com"
		}
		files["infra/live/"+env+"/env.hcl"] = `
vars = {
  region = "eu-west-1"
  domain = "` + domain + `"
}
inputs = { region = env.region }
`
		files["infra/live/"+env+"/network/unit.hcl"] = `
source = "../../../modules/network"
inputs = { cidr = "10.0.0.0/16" }
`
		files["infra/live/"+env+"/service/unit.hcl"] = serviceUnit(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 2
  api_key       = sensitive("key-0123456789")
`)
	}
	return files
}

func serviceUnit(inputs string) string {
	return `
source = "../../../modules/service"
dependency "network" {
  path = "../network"
}
inputs = {
  vpc_id        = dependency.network.outputs.vpc_id
  subnet        = "${dependency.network.outputs.prefix}-a"
  tags          = { team = "web", env = env.name }
` + inputs + `
}
`
}

func compare(t *testing.T, files map[string]string, opts Options) *Result {
	t.Helper()
	return compareWith(t, files, RenderOptions{}, opts)
}

func compareWith(t *testing.T, files map[string]string, render RenderOptions, opts Options) *Result {
	t.Helper()
	dir := testutil.WriteTree(t, files)
	loader := config.NewLoader(config.Options{Dir: dir, Getenv: func(string) (string, bool) { return "", false }})
	var envs []*Env
	for _, name := range []string{"staging", "prod"} {
		st, diags := loader.Load(name)
		if diags.HasErrors() {
			t.Fatalf("load %s: %s", name, diags.Error())
		}
		env, diags := FromStack(st, render)
		if diags.HasErrors() {
			t.Fatalf("render %s: %s", name, diags.Error())
		}
		envs = append(envs, env)
		if opts.Parity == nil {
			opts.Parity = st.Root.Parity
		}
	}
	return Compare(envs[0], envs[1], opts)
}

func with(files map[string]string, changes map[string]string) map[string]string {
	out := maps.Clone(files)
	maps.Copy(out, changes)
	return out
}

func find(r *Result, unit string, kind Kind, path string) *Difference {
	for i, d := range r.Differences {
		if d.Unit == unit && d.Kind == kind && d.Path == path {
			return &r.Differences[i]
		}
	}
	return nil
}

func human(r *Result, color bool) string {
	var b bytes.Buffer
	r.WriteHuman(&b, color)
	return b.String()
}

func TestIdenticalEnvironments(t *testing.T) {
	r := compare(t, base(), Options{})
	if len(r.Differences) != 0 || r.HasUndeclared() {
		t.Fatalf("want no differences, got:\n%s", human(r, false))
	}
	if r.Units != 2 {
		t.Errorf("units compared: %d, want 2", r.Units)
	}
	if got := human(r, false); got != "diff-env staging prod: no differences (2 units compared)\n" {
		t.Errorf("view: %q", got)
	}
}

func TestUnitMissingInOneEnvironment(t *testing.T) {
	files := with(base(), map[string]string{"infra/live/prod/worker/unit.hcl": `source = "../../../modules/service"`})
	r := compare(t, files, Options{})
	d := find(r, "worker", KindUnit, "")
	if d == nil || d.Declared || d.What != "only in prod" || d.A.Present || !d.B.Present {
		t.Fatalf("want worker only in prod, got:\n%s", human(r, false))
	}
	if r.Undeclared != 1 || !r.HasUndeclared() {
		t.Errorf("undeclared = %d, want 1", r.Undeclared)
	}
}

func TestSecondHostnameOnlyInProd(t *testing.T) {
	files := with(base(), map[string]string{"infra/live/prod/service/unit.hcl": serviceUnit(`
  hostnames     = ["app.${env.domain}", "partner.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 2
  api_key       = sensitive("key-0123456789")
`)})
	r := compare(t, files, Options{})
	if len(r.Differences) != 1 {
		t.Fatalf("want one difference, got:\n%s", human(r, false))
	}
	d := find(r, "service", KindInput, "hostnames[1]")
	if d == nil || d.Declared || d.A.Present || d.B.Text != `"partner.example.com"` {
		t.Fatalf("want hostnames[1] only in prod with its value, got %+v", r.Differences)
	}
	if !strings.Contains(d.What, "staging has 1 entry, prod 2 entries") {
		t.Errorf("what: %q", d.What)
	}
	if d.B.At != "infra/live/prod/service/unit.hcl:11:3" {
		t.Errorf("at: %q", d.B.At)
	}
}

func TestIssuerStillNamingTheOldDomain(t *testing.T) {
	files := with(base(), map[string]string{"infra/live/prod/service/unit.hcl": serviceUnit(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.staging.example.com/"
  desired_count = 2
  api_key       = sensitive("key-0123456789")
`)})
	r := compare(t, files, Options{})
	d := find(r, "service", KindInput, "issuer")
	if d == nil || len(r.Differences) != 1 || !r.HasUndeclared() {
		t.Fatalf("want the issuer flagged alone, got:\n%s", human(r, false))
	}
	if d.A.Text != d.B.Text || d.A.Compared != `"https://auth.${env.domain}/"` || d.B.Compared != `"https://auth.staging.${env.domain}/"` {
		t.Errorf("sides: %+v / %+v", d.A, d.B)
	}
}

func TestDeclaredDifference(t *testing.T) {
	files := with(base(), map[string]string{
		"stackctl.hcl": rootFile + `
parity {
  difference {
    units  = ["service"]
    inputs = ["desired_count"]
    reason = "prod runs more tasks"
  }
}
`,
		"infra/live/prod/service/unit.hcl": serviceUnit(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 6
  api_key       = sensitive("key-0123456789")
`)})
	r := compare(t, files, Options{})
	d := find(r, "service", KindInput, "desired_count")
	if d == nil || !d.Declared || d.Reason != "prod runs more tasks" || d.DeclaredAt != "stackctl.hcl:9:3" {
		t.Fatalf("want desired_count declared, got %+v", r.Differences)
	}
	if r.HasUndeclared() || r.Declared != 1 {
		t.Errorf("undeclared %d declared %d, want 0 and 1", r.Undeclared, r.Declared)
	}
	out := human(r, true)
	if !strings.Contains(out, "\x1b[2m      declared: prod runs more tasks (stackctl.hcl:9:3)\x1b[0m") {
		t.Errorf("declared difference not dimmed with its reason:\n%q", out)
	}
}

func TestSecretInputDiffering(t *testing.T) {
	files := with(base(), map[string]string{"infra/live/prod/service/unit.hcl": serviceUnit(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 2
  api_key       = sensitive("key-prod-9876543210")
`)})
	r := compare(t, files, Options{})
	d := find(r, "service", KindInput, "api_key")
	if d == nil || len(r.Differences) != 1 || d.What != "secret differs" || !d.A.Sensitive || !d.B.Sensitive {
		t.Fatalf("want api_key flagged as a secret, got %+v", r.Differences)
	}
	var all bytes.Buffer
	r.WriteHuman(&all, false)
	r.WriteMarkdown(&all)
	if err := r.WriteJSON(&all); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"key-0123456789", "key-prod-9876543210"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("secret %q shown:\n%s", secret, all.String())
		}
	}
}

func TestDependencyOutputsComparedByReference(t *testing.T) {
	files := with(base(), map[string]string{"infra/live/prod/service/unit.hcl": `
source = "../../../modules/service"
dependency "network" {
  path = "../network"
}
inputs = {
  vpc_id        = "vpc-0123"
  subnet        = "${dependency.network.outputs.other}-a"
  tags          = { team = "web", env = env.name }
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 2
  api_key       = sensitive("key-0123456789")
}
`})
	r := compare(t, files, Options{})
	vpc, subnet := find(r, "service", KindInput, "vpc_id"), find(r, "service", KindInput, "subnet")
	if vpc == nil || subnet == nil || len(r.Differences) != 2 {
		t.Fatalf("want vpc_id and subnet flagged, got:\n%s", human(r, false))
	}
	if vpc.A.Text != "(from dependency.network.outputs.vpc_id)" || vpc.B.Text != `"vpc-0123"` {
		t.Errorf("vpc_id sides: %+v / %+v", vpc.A, vpc.B)
	}
	if subnet.B.Text != "(from dependency.network.outputs.other)" {
		t.Errorf("subnet: %+v", subnet.B)
	}
}

// TestViews renders one comparison with every kind of difference in the
// human (plain and colour) and markdown views, and JSON.
func TestViews(t *testing.T) {
	files := with(base(), map[string]string{
		"stackctl.hcl": rootFile + `
parity {
  difference {
    units  = ["service"]
    inputs = ["desired_count", "tags.cost_center"]
    reason = "prod runs more tasks"
  }
  difference {
    units  = ["reports"]
    reason = "only prod sends reports"
  }
}
`,
		"infra/live/prod/reports/unit.hcl":    `source = "git::https://git.example.com/mods.git//reports?ref=v1.2.0"`,
		"infra/live/prod/network/unit.hcl":    "source = \"git::https://git.example.com/mods.git//network?ref=v2.0.0\"\ninputs = { cidr = \"10.1.0.0/16\" }\n",
		"infra/live/staging/network/unit.hcl": "source = \"git::https://git.example.com/mods.git//network?ref=v1.9.0\"\ninputs = { cidr = \"10.0.0.0/16\" }\n",
		"infra/live/prod/service/unit.hcl": serviceUnit(`
  hostnames     = ["app.${env.domain}", "partner.${env.domain}"]
  issuer        = "https://auth.staging.example.com/"
  desired_count = 6
  api_key       = sensitive("key-prod-9876543210")
  cost_center   = "ops|web"
`),
	})
	files["infra/live/prod/service/unit.hcl"] = strings.Replace(files["infra/live/prod/service/unit.hcl"],
		`tags          = { team = "web", env = env.name }`, `tags          = { team = "web", env = env.name, cost_center = "cc-1" }`, 1)
	r := compare(t, files, Options{})
	golden(t, "human.golden", human(r, false))
	golden(t, "human-color.golden", human(r, true))
	var md bytes.Buffer
	r.WriteMarkdown(&md)
	golden(t, "markdown.golden", md.String())
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Undeclared != r.Undeclared || len(back.Differences) != len(r.Differences) {
		t.Fatalf("JSON does not round-trip: %v", err)
	}
	golden(t, "result.json.golden", js.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
