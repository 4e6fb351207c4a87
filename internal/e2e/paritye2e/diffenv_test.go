package paritye2e

import (
	"encoding/json"
	"maps"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

const parityRoot = `project  = "shop"
live_dir = "live"

inputs = {
  environment = env.name
  bucket      = "${project}-assets-${env.name}"
}
`

const declaredCapacity = `
parity {
  difference {
    inputs = ["desired_count"]
    reason = "capacity: prod serves the traffic"
  }
}
`

// twoEnvs is staging and prod, differing only where each follows its own
// domain and name; service takes the network's output, a parameter by
// its name and a secret.
func twoEnvs(root string) map[string]string {
	files := map[string]string{
		"stackctl.hcl":            root,
		"modules/network/main.tf": "variable \"cidr\" {}\nvariable \"environment\" {}\n",
		"modules/service/main.tf": `
variable "hostnames" {}
variable "issuer" {}
variable "desired_count" {}
variable "api_key" {}
variable "gateway_key" {}
variable "vpc_id" {}
variable "bucket" {}
`,
	}
	for env, domain := range map[string]string{"staging": "staging.example.com", "prod": "example.com"} {
		files["live/"+env+"/env.hcl"] = `vars = {
  region = "eu-west-1"
  domain = "` + domain + `"
}
`
		files["live/"+env+"/network/unit.hcl"] = `source = "../../../modules/network"
inputs = { cidr = "10.0.0.0/16" }
`
		files["live/"+env+"/service/unit.hcl"] = service(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 2
  api_key       = sensitive("key-of-every-env")
`)
	}
	return files
}

func service(inputs string) string {
	return `source = "../../../modules/service"
dependency "network" {
  path = "../network"
}
inputs = {
  vpc_id      = dependency.network.outputs.vpc_id
  gateway_key = ssm_parameter("/shop/${env.name}/gateway-key")
` + inputs + `}
`
}

func with(files map[string]string, changes map[string]string) map[string]string {
	out := maps.Clone(files)
	maps.Copy(out, changes)
	return out
}

// The cases, each on a tree of its own, through the binary.
func TestDiffEnv(t *testing.T) {
	t.Parallel()
	t.Run("identical", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t, twoEnvs(parityRoot))
		r := tr.must(0, "diff-env", "staging", "prod")
		if r.stdout != "diff-env staging prod: no differences (2 units compared)\n" {
			t.Errorf("identical environments:\n%s", r)
		}
	})
	t.Run("unit missing", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t, with(twoEnvs(parityRoot), map[string]string{
			"live/prod/worker/unit.hcl": "source = \"../../../modules/network\"\ninputs = { cidr = \"10.1.0.0/16\" }\n",
		}))
		r := tr.must(2, "diff-env", "staging", "prod")
		contains(t, "diff-env", r.stdout, "1 undeclared difference, 0 declared (3 units compared)", "worker\n  ! unit only in prod\n      staging  (absent)\n      prod     modules/network")
	})
	t.Run("second hostname undeclared", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t, with(twoEnvs(parityRoot), map[string]string{
			"live/prod/service/unit.hcl": service(`
  hostnames     = ["app.${env.domain}", "partner-api.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 2
  api_key       = sensitive("key-of-every-env")
`)}))
		r := tr.must(2, "diff-env", "staging", "prod")
		contains(t, "diff-env", r.stdout, `! hostnames[1]: only in prod (staging has 1 entry, prod 2 entries)`,
			"staging  (absent)", `prod     "partner-api.example.com"`)
		if strings.Contains(r.stdout, "hostnames[0]") {
			t.Errorf("app.staging.example.com and app.example.com should agree:\n%s", r.stdout)
		}
		// The JSON view gives both sides.
		r = tr.must(2, "diff-env", "staging", "prod", "--json")
		var doc struct {
			Undeclared  int `json:"undeclared"`
			Differences []struct {
				Unit, Kind, Path string
				A, B             struct {
					Present  bool   `json:"present"`
					Text     string `json:"text"`
					Compared string `json:"compared"`
				}
			} `json:"differences"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("json: %v\n%s", err, r.stdout)
		}
		if doc.Undeclared != 1 || len(doc.Differences) != 1 {
			t.Fatalf("json: %+v", doc)
		}
		d := doc.Differences[0]
		if d.Unit != "service" || d.Path != "hostnames[1]" || d.A.Present || !d.B.Present || d.B.Text != `"partner-api.example.com"` || d.B.Compared != `"partner-api.${env.domain}"` {
			t.Errorf("json difference: %+v", d)
		}
	})
	t.Run("issuer naming the old domain", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t, with(twoEnvs(parityRoot), map[string]string{
			"live/prod/service/unit.hcl": service(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.staging.example.com/"
  desired_count = 2
  api_key       = sensitive("key-of-every-env")
`)}))
		r := tr.must(2, "diff-env", "staging", "prod")
		contains(t, "diff-env", r.stdout,
			"! issuer: same text in both, so it does not follow each environment's own domain and name",
			`staging  "https://auth.staging.example.com/"`, `prod     "https://auth.staging.example.com/"`,
			`compared as "https://auth.${env.domain}/" and "https://auth.staging.${env.domain}/"`)
	})
	t.Run("declared difference", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t, with(twoEnvs(parityRoot+declaredCapacity), map[string]string{
			"live/prod/service/unit.hcl": service(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 6
  api_key       = sensitive("key-of-every-env")
`)}))
		r := tr.must(0, "diff-env", "staging", "prod")
		contains(t, "diff-env", r.stdout, "0 undeclared differences, 1 declared", "~ desired_count: differs",
			"declared: capacity: prod serves the traffic (stackctl.hcl:10:3)", "staging  2", "prod     6")
		// On a terminal with colour, the declared difference is dimmed.
		text, code := tr.onTerminal("diff-env staging prod")
		if code != 0 {
			t.Fatalf("on a terminal: exit %d\n%s", code, text)
		}
		contains(t, "terminal", text, "\x1b[2m  ~ desired_count: differs\x1b[0m", "\x1b[2m      declared: capacity: prod serves the traffic")
		text, _ = tr.onTerminal("diff-env staging prod --no-color")
		lacks(t, "terminal with --no-color", text, "\x1b[2m")
	})
	t.Run("secret differing", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t, with(twoEnvs(parityRoot), map[string]string{
			"live/prod/service/unit.hcl": service(`
  hostnames     = ["app.${env.domain}"]
  issuer        = "https://auth.${env.domain}/"
  desired_count = 2
  api_key       = sensitive("prod-only-key-4711")
`)}))
		r := tr.must(2, "diff-env", "staging", "prod")
		contains(t, "diff-env", r.stdout, "! api_key: secret differs", "staging  (sensitive value)", "prod     (sensitive value)")
		for _, args := range [][]string{{"diff-env", "staging", "prod"}, {"diff-env", "staging", "prod", "--json"}, {"diff-env", "staging", "prod", "--format", "markdown"}} {
			r := tr.must(2, args...)
			lacks(t, strings.Join(args, " "), r.stdout+r.stderr, "prod-only-key-4711", "key-of-every-env")
		}
	})
}

// Every kind of difference at once, in the human and markdown views.
func TestDiffEnvViews(t *testing.T) {
	t.Parallel()
	tr := newTree(t, with(twoEnvs(parityRoot+declaredCapacity), map[string]string{
		"live/prod/worker/unit.hcl": "source = \"../../../modules/network\"\ninputs = { cidr = \"10.1.0.0/16\" }\n",
		"live/prod/service/unit.hcl": service(`
  hostnames     = ["app.${env.domain}", "partner-api.${env.domain}"]
  issuer        = "https://auth.staging.example.com/"
  desired_count = 6
  api_key       = sensitive("prod-only-key-4711")
`)}))
	r := tr.must(2, "diff-env", "staging", "prod")
	golden(t, "diff-env.txt", r.stdout)
	r = tr.must(2, "diff-env", "staging", "prod", "--format", "markdown")
	golden(t, "diff-env.md", r.stdout)
	lacks(t, "markdown", r.stdout, "prod-only-key-4711", "key-of-every-env")
	// --unit selects in either environment: worker exists in prod only.
	r = tr.must(2, "diff-env", "staging", "prod", "--unit", "worker")
	contains(t, "--unit worker", r.stdout, "1 undeclared difference, 0 declared (1 unit compared)", "unit only in prod")
	r = tr.must(1, "diff-env", "staging", "prod", "--unit", "nothing")
	contains(t, "--unit nothing", r.stderr, `no unit matches "nothing" in staging or prod; units: network, service, worker`)
}

// Without --state, diff-env reads nothing outside the repository: with
// remote state on S3, a dependency output and an SSM parameter in the
// inputs, and an AWS endpoint that counts the connections it gets, none
// comes. The same tree's render and diff-env --state do connect: the
// count would notice.
func TestDiffEnvNeedsNoCloud(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	root := parityRoot + `
remote_state {
  backend = "s3"
  config = {
    bucket       = "${project}-tfstate-${env.name}"
    key          = "${unit.path}/terraform.tfstate"
    region       = env.region
    use_lockfile = true
  }
}
`
	tr := newTree(t, twoEnvs(root))
	endpoint := "http://" + ln.Addr().String()
	tr.env = append(tr.env, "AWS_ENDPOINT_URL="+endpoint, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=eu-west-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1")

	r := tr.must(0, "diff-env", "staging", "prod")
	contains(t, "diff-env", r.stdout, "no differences (2 units compared)")
	r = tr.must(0, "diff-env", "staging", "prod", "--json")
	if n := conns.Load(); n != 0 {
		t.Fatalf("diff-env without --state made %d connections to the AWS endpoint", n)
	}

	r = tr.run("diff-env", "staging", "prod", "--state")
	if r.code != 1 || conns.Load() == 0 {
		t.Fatalf("diff-env --state should have tried the S3 endpoint and failed (%d connections):\n%s", conns.Load(), r)
	}
	before := conns.Load()
	tr.run("render", "staging", "--unit", "service")
	if conns.Load() == before {
		t.Errorf("render (which reads the SSM parameter) made no connection: the count proves nothing")
	}
}
