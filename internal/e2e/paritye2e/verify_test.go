package paritye2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// serviceModule keeps what a load balancer stack would output — its
// domain and port, its listener rules, a gateway key — in a
// terraform_data, so that verify reads them from real applied state.
const serviceModule = `
variable "app_domain" {}
variable "port" {
  type = number
}
variable "routes" {
  type = list(string)
}
variable "partner_domain" {
  default = ""
}
variable "gateway_key" {
  type      = string
  default   = ""
  sensitive = true
}
resource "terraform_data" "lb" {
  input = {
    app_domain = var.app_domain
    port       = var.port
    routes     = var.routes
  }
}
output "app_domain" {
  value = terraform_data.lb.output.app_domain
}
output "port" {
  value = terraform_data.lb.output.port
}
output "listener_rules" {
  value = { for r in terraform_data.lb.output.routes : r => "rule-${r}" }
}
output "gateway_key" {
  value     = var.gateway_key
  sensitive = true
}
`

const gatewayKey = "gk-5f1d0c9a7e3b"

// verifyTree is dev with three units: app, whose checks pass once the
// tests' CA is trusted; partner, served with a certificate for another
// name, reading a stale issuer and without its listener rule; and edge,
// never applied.
func verifyTree(appPort, partnerPort string) map[string]string {
	base := "https://${outputs.app_domain}:${outputs.port}"
	return map[string]string{
		"stackctl.hcl":            "project = \"shop\"\nlive_dir = \"live\"\n",
		"modules/service/main.tf": serviceModule,
		"live/dev/env.hcl":        `vars = { domain = "example.test" }`,
		"live/dev/app/unit.hcl": `source = "../../../modules/service"
inputs = {
  app_domain     = "app.${env.domain}"
  port           = ` + appPort + `
  routes         = ["app", "partner"]
  partner_domain = "partner.${env.domain}"
  gateway_key    = "` + gatewayKey + `"
}

verify "app_answers" {
  http {
    url        = "` + base + `/health"
    body_match = "^ok$"
  }
}

verify "api_refuses_without_key" {
  http {
    url    = "` + base + `/v1/items"
    status = [401, 403]
  }
}

verify "api_answers_with_key" {
  http {
    url     = "` + base + `/v1/items"
    headers = { "X-Gateway-Key" = outputs.gateway_key }
  }
}

verify "app_certificate" {
  tls {
    host = outputs.app_domain
    port = outputs.port
  }
}

verify "issuer_follows_domain" {
  jwt_issuer {
    discovery_url = "` + base + `/.well-known/openid-configuration"
    issuer        = "https://auth.${env.domain}/"
  }
}

verify "warms_up" {
  interval = "1s"
  http {
    url = "` + base + `/warming"
  }
}

verify "partner_route" {
  assert {
    condition = contains(keys(outputs.listener_rules), "partner")
    message   = "no listener rule routes ${inputs.partner_domain}"
  }
}
`,
		"live/dev/partner/unit.hcl": `source = "../../../modules/service"
inputs = {
  app_domain     = "partner.${env.domain}"
  port           = ` + partnerPort + `
  routes         = ["app"]
  partner_domain = "partner.${env.domain}"
}

verify "partner_certificate" {
  timeout  = "3s"
  interval = "1s"
  tls {
    host = outputs.app_domain
    port = outputs.port
  }
}

verify "issuer_follows_domain" {
  timeout  = "3s"
  interval = "1s"
  jwt_issuer {
    discovery_url = "https://app.${env.domain}:` + appPort + `/staging/.well-known/openid-configuration"
    issuer        = "https://auth.${env.domain}/"
  }
}

verify "partner_route" {
  assert {
    condition = contains(keys(outputs.listener_rules), "partner")
    message   = "no listener rule routes ${inputs.partner_domain}"
  }
}
`,
		"live/dev/edge/unit.hcl": `source = "../../../modules/service"
inputs = {
  app_domain = "edge.${env.domain}"
  port       = 443
  routes     = []
}

verify "edge_routes" {
  assert {
    condition = length(keys(outputs.listener_rules)) > 0
    message   = "edge routes nothing"
  }
}
`,
	}
}

type verifyJSON struct {
	Environment string `json:"environment"`
	Passed      int    `json:"passed"`
	Failed      int    `json:"failed"`
	Results     []struct {
		Unit     string `json:"unit"`
		Name     string `json:"name"`
		Kind     string `json:"kind"`
		At       string `json:"at"`
		Target   string `json:"target"`
		Passed   bool   `json:"passed"`
		Reason   string `json:"reason"`
		Attempts int    `json:"attempts"`
	} `json:"results"`
}

func parseVerify(t *testing.T, out string) verifyJSON {
	t.Helper()
	var doc verifyJSON
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, out)
	}
	return doc
}

var (
	dates = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	days  = regexp.MustCompile(`\(in \d+ days\)`)
)

// stableChecks is stable with the certificates' dates taken out too.
func stableChecks(s string, ports map[string]string) string {
	return days.ReplaceAllString(dates.ReplaceAllString(stable(s, ports), "DATE"), "(in N days)")
}

// verify against servers on 127.0.0.1, with outputs from applied state:
// --resolve sends the example.test names there, --ca-file trusts the
// tests' CA; each kind of check passes where it should and fails, with
// its reason, where it should.
func TestVerify(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	svc := &app{key: gatewayKey}
	appPort := httpsServer(t, ca.leaf(t, "app.example.test", "auth.example.test"), svc)
	partnerPort := httpsServer(t, ca.leaf(t, "other.example.test"), svc)
	tr := newTree(t, verifyTree(appPort, partnerPort))
	resolve := []string{"--resolve", "app.example.test:" + appPort + ":127.0.0.1", "--resolve", "partner.example.test:" + partnerPort + ":127.0.0.1"}
	tr.must(0, "apply", "dev", "--auto-approve", "--unit", "app", "--unit", "partner")

	// app: every check passes, warms_up after retries.
	r := tr.must(0, append([]string{"verify", "dev", "--unit", "app", "--ca-file", ca.File, "--json"}, resolve...)...)
	doc := parseVerify(t, r.stdout)
	if doc.Passed != 7 || doc.Failed != 0 || len(doc.Results) != 7 {
		t.Fatalf("app's checks: %+v", doc)
	}
	for _, res := range doc.Results {
		if res.Name == "warms_up" && res.Attempts < 2 {
			t.Errorf("warms_up passed on attempt %d: the server answers 503 for its first seconds", res.Attempts)
		}
		if res.Name == "api_refuses_without_key" && res.Reason != "answered 403 Forbidden" {
			t.Errorf("api_refuses_without_key: %q", res.Reason)
		}
	}
	if n := svc.warmingAsked(); n < 2 {
		t.Errorf("/warming was asked %d times", n)
	}
	lacks(t, "verify --json", r.stdout+r.stderr, gatewayKey)

	// Without --ca-file the tests' CA is not trusted: the certificate
	// check names why, and the HTTPS checks fail too.
	r = tr.must(1, append([]string{"verify", "dev", "--unit", "app", "--json", "--check-timeout", "2s"}, resolve...)...)
	doc = parseVerify(t, r.stdout)
	for _, res := range doc.Results {
		switch res.Name {
		case "app_certificate":
			if res.Passed || !strings.Contains(res.Reason, "(issued by paritye2e test CA) does not chain to the system roots") {
				t.Errorf("app_certificate without --ca-file: %+v", res)
			}
		case "partner_route":
			if !res.Passed {
				t.Errorf("partner_route needs no connection: %+v", res)
			}
		default:
			if res.Passed {
				t.Errorf("%s passed without trusting the CA: %+v", res.Name, res)
			}
		}
	}

	// Every unit: partner's certificate does not cover its name, its
	// issuer is stale, its listener rule is missing; edge has no state.
	r = tr.must(1, append([]string{"verify", "dev", "--ca-file", ca.File}, resolve...)...)
	contains(t, "verify", r.stdout,
		"the certificate does not cover partner.example.test; it covers other.example.test",
		`the discovery document names issuer "https://auth.staging.example.test/", want "https://auth.example.test/"`,
		"no listener rule routes partner.example.test",
		"edge has no state yet",
		"stackctl apply dev --unit edge")
	lacks(t, "verify", r.stdout+r.stderr, gatewayKey)
	ports := map[string]string{appPort: "APP_PORT", partnerPort: "PARTNER_PORT"}
	golden(t, "verify.txt", stableChecks(r.stdout, ports))
	r = tr.must(1, append([]string{"verify", "dev", "--ca-file", ca.File, "--format", "markdown"}, resolve...)...)
	golden(t, "verify.md", stableChecks(r.stdout, ports))
	lacks(t, "verify --format markdown", r.stdout+r.stderr, gatewayKey)
}
