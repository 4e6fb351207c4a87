package verify

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
)

func TestTLSCertificate(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	ok := ca.leaf(t, 90*24*time.Hour, "app.verify.test", "www.verify.test")
	wrong := ca.leaf(t, 90*24*time.Hour, "other.verify.test")
	soon := ca.leaf(t, 10*24*time.Hour, "soon.verify.test")
	hello := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "hello") })
	okPort, wrongPort, soonPort := httpsServer(t, ok, hello), httpsServer(t, wrong, hello), httpsServer(t, soon, hello)

	specs := load(t, `
verify "covered" {
  tls {
    host = "app.${outputs.zone}"
    port = outputs.ok_port
  }
}
verify "https" {
  http {
    url       = "https://www.${outputs.zone}:${outputs.ok_port}/"
    body_match = "^hello$"
  }
}
verify "not_covered" {
  tls {
    host = "partner.${outputs.zone}"
    port = outputs.wrong_port
  }
}
verify "expiring" {
  tls {
    host     = "soon.${outputs.zone}"
    port     = outputs.soon_port
    min_days = 30
  }
}
`, map[string]cty.Value{"zone": str("verify.test"), "ok_port": str(okPort), "wrong_port": str(wrongPort), "soon_port": str(soonPort)})
	resolve := []Resolve{}
	for _, r := range []string{"app.verify.test:" + okPort, "www.verify.test:" + okPort, "partner.verify.test:" + wrongPort, "soon.verify.test:" + soonPort} {
		res, err := ParseResolve(r + ":127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		resolve = append(resolve, res)
	}
	opts := Options{Resolve: resolve, CAFile: ca.pemFile, Timeout: 8 * time.Second}
	got := run(t, verifier(t, opts), specs)
	if r := got["covered"]; !r.Passed || !strings.Contains(r.Reason, "covers app.verify.test, issued by stackctl test CA") {
		t.Errorf("covered: %+v", r)
	}
	if r := got["https"]; !r.Passed || r.Reason != "answered 200 OK" {
		t.Errorf("https: %+v", r)
	}
	if r := got["not_covered"]; r.Passed || !strings.HasPrefix(r.Reason, "the certificate does not cover partner.verify.test; it covers other.verify.test (still failing after") {
		t.Errorf("not_covered: %+v", r)
	}
	if r := got["expiring"]; r.Passed || !strings.Contains(r.Reason, "want more than 30") {
		t.Errorf("expiring: %+v", r)
	}
}

// A certificate from a CA the verifier does not know fails, and the
// reason says where it looked: the system roots, and --ca-file when given.
func TestTLSCertificateUnknownCA(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	port := httpsServer(t, ca.leaf(t, 90*24*time.Hour, "app.verify.test"), http.NotFoundHandler())
	specs := load(t, `
verify "covered" {
  tls {
    host = "app.verify.test"
    port = outputs.port
  }
}
`, map[string]cty.Value{"port": str(port)})
	res, err := ParseResolve("app.verify.test:" + port + ":127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ caFile, want string }{
		"without --ca-file":         {"", "does not chain to the system roots ("},
		"with another CA's ca-file": {newCA(t).pemFile, "does not chain to the system roots or --ca-file ("},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := run(t, verifier(t, Options{Resolve: []Resolve{res}, CAFile: tc.caFile, Timeout: 8 * time.Second}), specs)
			if r := got["covered"]; r.Passed || !strings.Contains(r.Reason, tc.want) {
				t.Errorf("want the reason to say %q, got %+v", tc.want, r)
			}
		})
	}
}

// A certificate must expire in more than min_days days: one with exactly
// that many left fails.
func TestTLSMinDays(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	port := httpsServer(t, ca.leaf(t, 30*24*time.Hour+time.Hour, "app.verify.test"), http.NotFoundHandler())
	specs := load(t, `
verify "thirty_left" {
  timeout = "1s"
  tls {
    host     = "app.verify.test"
    port     = outputs.port
    min_days = 30
  }
}
verify "twenty_nine" {
  tls {
    host     = "app.verify.test"
    port     = outputs.port
    min_days = 29
  }
}
`, map[string]cty.Value{"port": str(port)})
	res, err := ParseResolve("app.verify.test:" + port + ":127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, verifier(t, Options{Resolve: []Resolve{res}, CAFile: ca.pemFile, Timeout: 8 * time.Second}), specs)
	if r := got["thirty_left"]; r.Passed || !strings.Contains(r.Reason, "(in 30 days), want more than 30") {
		t.Errorf("thirty_left: %+v", r)
	}
	if r := got["twenty_nine"]; !r.Passed || !strings.HasSuffix(r.Reason, "(in 30 days)") {
		t.Errorf("twenty_nine: %+v", r)
	}
}

// gateway answers 403 without the pre-shared key and 200 with it; a 403
// echoes the header it got, as a careless backend might.
func gateway(key string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Gateway-Key") != key {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "forbidden: got key %q", r.Header.Get("X-Gateway-Key"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"key":%q}`, key)
	})
}

func TestBackendRefusesWithoutItsKey(t *testing.T) {
	t.Parallel()
	const key = "gw-key-5f3c9a1e7d"
	base := httpServer(t, gateway(key))
	specs := load(t, `
verify "refuses_without_key" {
  http {
    url    = outputs.url
    status = [401, 403]
  }
}
verify "answers_with_key" {
  http {
    url          = outputs.url
    headers      = { "X-Gateway-Key" = outputs.key }
    header_match = { "Content-Type" = "^application/json" }
    body_match   = "\"ok\":true"
  }
}
verify "wrong_key_body" {
  timeout = "8s"
  http {
    url        = outputs.url
    headers    = { "X-Gateway-Key" = "not-${outputs.key}" }
    status     = "4xx"
    body_match = "welcome"
  }
}
verify "expects_open" {
  timeout = "8s"
  http {
    url = outputs.url
  }
}
`, map[string]cty.Value{"url": str(base + "/private"), "key": str(key).Mark(config.Sensitive)})
	got := run(t, verifier(t, Options{}), specs)
	if r := got["refuses_without_key"]; !r.Passed || r.Reason != "answered 403 Forbidden" {
		t.Errorf("refuses_without_key: %+v", r)
	}
	if r := got["answers_with_key"]; !r.Passed || r.Reason != "answered 200 OK" {
		t.Errorf("answers_with_key: %+v", r)
	}
	if r := got["expects_open"]; r.Passed || !strings.HasPrefix(r.Reason, "answered 403 Forbidden, want 2xx (still failing after") || r.Attempts < 2 {
		t.Errorf("expects_open: %+v", r)
	}
	r := got["wrong_key_body"]
	if r.Passed || !strings.Contains(r.Reason, `forbidden: got key \"(sensitive value)\"`) {
		t.Errorf("wrong_key_body: the echoed key should be masked: %+v", r)
	}
	rep := NewReport("dev", v(got), time.Second)
	var all bytes.Buffer
	rep.WriteHuman(&all, false)
	rep.WriteMarkdown(&all)
	if err := rep.WriteJSON(&all); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(all.String(), key) {
		t.Errorf("the gateway key is shown:\n%s", all.String())
	}
}

func v(m map[string]Result) []Result {
	var out []Result
	for _, r := range m {
		out = append(out, r)
	}
	return out
}

func TestJWTIssuer(t *testing.T) {
	t.Parallel()
	const issuer = "https://auth.example.test/"
	token := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+issuer+`","sub":"svc"}`)) + ".c2lnbmF0dXJl"
	mux := http.NewServeMux()
	mux.HandleFunc("/right/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":"%sjwks"}`, issuer, issuer)
	})
	mux.HandleFunc("/wrong/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"issuer":"https://auth.staging.example.test/"}`)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.FormValue("grant_type") != "client_credentials" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer"}`, token)
	})
	base := httpServer(t, mux)
	specs := load(t, `
verify "issuer" {
  jwt_issuer {
    discovery_url = "${outputs.base}/right/.well-known/openid-configuration"
    issuer        = "https://auth.example.test/"
  }
}
verify "old_issuer" {
  timeout = "8s"
  jwt_issuer {
    discovery_url = "${outputs.base}/wrong/.well-known/openid-configuration"
    issuer        = "https://auth.example.test/"
  }
}
verify "token" {
  jwt_issuer {
    token_url = "${outputs.base}/token"
    body      = "grant_type=client_credentials"
    issuer    = "https://auth.example.test/"
  }
}
`, map[string]cty.Value{"base": str(base)})
	got := run(t, verifier(t, Options{}), specs)
	if r := got["issuer"]; !r.Passed || r.Reason != `the discovery document names issuer "https://auth.example.test/"` {
		t.Errorf("issuer: %+v", r)
	}
	if r := got["old_issuer"]; r.Passed || !strings.HasPrefix(r.Reason, `the discovery document names issuer "https://auth.staging.example.test/", want "https://auth.example.test/"`) {
		t.Errorf("old_issuer: %+v", r)
	}
	if r := got["token"]; !r.Passed || r.Reason != `the token's iss claim is "https://auth.example.test/"` {
		t.Errorf("token: %+v", r)
	}
}

func TestRetriesUntilReady(t *testing.T) {
	t.Parallel()
	ready := time.Now().Add(2 * time.Second)
	var requests atomic.Int32
	base := httpServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		if time.Now().Before(ready) {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ready")
	}))
	specs := load(t, `
verify "eventually" {
  timeout  = "60s"
  interval = "300ms"
  http {
    url        = outputs.url
    body_match = "ready"
  }
}
`, map[string]cty.Value{"url": str(base)})
	r := run(t, verifier(t, Options{}), specs)["eventually"]
	if !r.Passed || r.Attempts < 2 || int(requests.Load()) != r.Attempts {
		t.Errorf("want a pass after retries, got %+v (%d requests)", r, requests.Load())
	}
}

func TestAssert(t *testing.T) {
	specs := load(t, `
verify "partner_rule" {
  assert {
    condition = contains(keys(outputs.listener_rules), "partner")
    message   = "the partner hostname ${env.domain} has no listener rule (rules: ${join(", ", keys(outputs.listener_rules))})"
  }
}
verify "count" {
  assert {
    condition = length(outputs.listener_rules) >= 1
    message   = "no listener rules"
  }
}
`, map[string]cty.Value{"listener_rules": cty.MapVal(map[string]cty.Value{"app": str("arn:1")})})
	got := run(t, verifier(t, Options{}), specs)
	if r := got["partner_rule"]; r.Passed || r.Attempts != 1 || r.Reason != "the partner hostname dev.example.test has no listener rule (rules: app)" {
		t.Errorf("partner_rule: %+v", r)
	}
	if r := got["count"]; !r.Passed {
		t.Errorf("count: %+v", r)
	}
}

func TestDNS(t *testing.T) {
	t.Parallel()
	specs := load(t, `
verify "localhost" {
  dns {
    name   = "localhost"
    type   = "A"
    expect = "127.0.0.1"
  }
}
verify "elsewhere" {
  timeout = "8s"
  dns {
    name   = "localhost"
    expect = ["10.9.9.9"]
  }
}
verify "missing" {
  timeout = "8s"
  dns {
    name = "missing.${env.domain}"
  }
}
`, nil)
	got := run(t, verifier(t, Options{}), specs)
	if r := got["localhost"]; !r.Passed || r.Reason != "localhost resolves to 127.0.0.1" {
		t.Errorf("localhost: %+v", r)
	}
	if r := got["elsewhere"]; r.Passed || !strings.Contains(r.Reason, "not 10.9.9.9") {
		t.Errorf("elsewhere: %+v", r)
	}
	if r := got["missing"]; r.Passed || !strings.HasPrefix(r.Reason, "missing.dev.example.test does not resolve") {
		t.Errorf("missing: %+v", r)
	}
}
