package paritye2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// applyVerifyTree is dev: network <- service <- frontend. network's
// checks ask a server on 127.0.0.1 and pass; service applies without the
// partner's listener rule, so its assert fails.
func applyVerifyTree(port string, serviceRoutes string) map[string]string {
	return map[string]string{
		"stackctl.hcl":            "project = \"shop\"\nlive_dir = \"live\"\n",
		"modules/service/main.tf": serviceModule,
		"live/dev/env.hcl":        `vars = { domain = "example.test" }`,
		"live/dev/network/unit.hcl": `source = "../../../modules/service"
inputs = {
  app_domain = "127.0.0.1"
  port       = ` + port + `
  routes     = ["default"]
}

verify "answers" {
  http {
    url = "http://${outputs.app_domain}:${outputs.port}/health"
  }
}

verify "routes" {
  assert {
    condition = length(keys(outputs.listener_rules)) > 0
    message   = "the network routes nothing"
  }
}
`,
		"live/dev/service/unit.hcl": `source = "../../../modules/service"
dependency "network" {
  path = "../network"
}
inputs = {
  app_domain     = "app.${env.domain}"
  port           = dependency.network.outputs.port
  routes         = ` + serviceRoutes + `
  partner_domain = "partner.${env.domain}"
}

verify "app_route" {
  assert {
    condition = contains(keys(outputs.listener_rules), "app")
    message   = "no listener rule routes the app"
  }
}

verify "partner_route" {
  assert {
    condition = contains(keys(outputs.listener_rules), "partner")
    message   = "no listener rule routes ${inputs.partner_domain}"
  }
}
`,
		"live/dev/frontend/unit.hcl": `source = "../../../modules/service"
dependency "service" {
  path = "../service"
}
inputs = {
  app_domain = dependency.service.outputs.app_domain
  port       = 443
  routes     = []
}
`,
	}
}

// apply --verify: each unit's checks run right after it applies; a failed
// check fails its unit, which skips its dependents, and the summary says
// which check. Fixed, the same command succeeds.
func TestApplyVerify(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	if u.Hostname() != "127.0.0.1" {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	tr := newTree(t, applyVerifyTree(u.Port(), `["app"]`))

	r := tr.must(1, "apply", "dev", "--auto-approve", "--verify")
	contains(t, "apply --verify", r.stdout,
		"verify dev: 1 of 4 checks failed",
		"✗ service  partner_route  assert  no listener rule routes partner.example.test",
		"applied, then verify partner_route failed: no listener rule routes partner.example.test",
		"declared at live/dev/service/unit.hcl:19:1",
		"apply dev: 1 succeeded, 1 failed, 1 skipped")
	var network, service, frontend string
	for _, line := range strings.Split(r.stdout, "\n") {
		switch {
		case strings.HasPrefix(line, "network "):
			network = line
		case strings.HasPrefix(line, "service "):
			service = line
		case strings.HasPrefix(line, "frontend "):
			frontend = line
		}
	}
	if !strings.Contains(network, "succeeded") || !strings.Contains(network, "2 checks passed") ||
		!strings.Contains(service, "failed") || !strings.Contains(frontend, "skipped") {
		t.Errorf("summary lines:\n%s\n%s\n%s\n%s", network, service, frontend, r.stdout)
	}
	// service did apply (its checks read its new state); frontend did not.
	if _, err := os.Stat(tr.path(".stackctl/state/dev/service/terraform.tfstate")); err != nil {
		t.Errorf("service has no state: %v", err)
	}
	if _, err := os.Stat(tr.path(".stackctl/state/dev/frontend/terraform.tfstate")); err == nil {
		t.Errorf("frontend was applied although service failed its check")
	}
	// Without --verify the same apply succeeds: the checks are what failed.
	r = tr.must(0, "apply", "dev", "--auto-approve", "--unit", "frontend")
	tr.remove(".stackctl/state/dev/frontend")

	// The JSON summary says it too.
	r = tr.must(1, "apply", "dev", "--auto-approve", "--verify", "--json")
	var sum struct {
		Units []struct {
			Unit, Result, Error, Note string
		} `json:"units"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("apply --json: %v\n%s", err, r.stdout)
	}
	for _, u := range sum.Units {
		if u.Unit == "service" && (u.Result != "failed" || !strings.Contains(u.Error, "verify partner_route failed")) {
			t.Errorf("json service: %+v", u)
		}
	}

	// With the partner's rule, every unit applies and passes.
	tr.write(applyVerifyTree(u.Port(), `["app", "partner"]`))
	r = tr.must(0, "apply", "dev", "--auto-approve", "--verify")
	contains(t, "apply --verify", r.stdout, "verify dev: 4 checks passed", "apply dev: 3 succeeded")
}
