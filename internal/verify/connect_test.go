package verify

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// A load balancer behind a CDN is reached with connect_to: the URL's
// hostname stays the Host header, the server name and the name the
// certificate must cover, while the connection goes to the balancer. The
// hostname itself resolves nowhere (no --resolve, no DNS in tests).
func TestConnectTo(t *testing.T) {
	t.Parallel()
	ca := newCA(t)
	cert := ca.leaf(t, 90*24*time.Hour, "app.verify.test")
	var mu sync.Mutex
	var hosts []string
	alb := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts = append(hosts, r.Host)
		mu.Unlock()
		if r.Header.Get("X-Origin-Verify") == "" {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, "Forbidden")
			return
		}
		fmt.Fprint(w, "ok")
	})
	port := httpsServer(t, cert, alb)
	specs := load(t, `
verify "api_refuses_without_key" {
  http {
    url        = "https://app.verify.test:${outputs.port}/api/health"
    connect_to = outputs.alb
    status     = [403]
  }
}
verify "alb_certificate" {
  tls {
    host       = "app.verify.test"
    port       = outputs.port
    connect_to = "${outputs.alb}:${outputs.port}"
  }
}
verify "no_connect_to" {
  timeout = "1s"
  http {
    url = "https://app.verify.test:${outputs.port}/api/health"
  }
}
`, map[string]cty.Value{"port": str(port), "alb": str("127.0.0.1")})
	got := run(t, verifier(t, Options{CAFile: ca.pemFile, Timeout: 8 * time.Second}), specs)
	if r := got["api_refuses_without_key"]; !r.Passed || r.Reason != "answered 403 Forbidden" || r.Target != "GET https://app.verify.test:"+port+"/api/health via 127.0.0.1" {
		t.Errorf("api_refuses_without_key: %+v", r)
	}
	if r := got["alb_certificate"]; !r.Passed || !strings.Contains(r.Reason, "covers app.verify.test") {
		t.Errorf("alb_certificate: %+v", r)
	}
	if r := got["no_connect_to"]; r.Passed {
		t.Errorf("without connect_to the name resolves nowhere, yet: %+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, h := range hosts {
		if h != "app.verify.test:"+port {
			t.Errorf("the balancer got Host %q, want the URL's", h)
		}
	}
	if len(hosts) == 0 {
		t.Error("the balancer got no request")
	}
}

func TestConnectToRefusesNonsense(t *testing.T) {
	for _, bad := range []string{"https://alb.example.test", "alb.example.test/path", "alb:99999", "user@alb"} {
		_, diags := loadDiags(t, `
verify "x" {
  http {
    url        = "https://app.example.test/"
    connect_to = "`+bad+`"
  }
}
`, nil)
		if !strings.Contains(diags, "Invalid connect_to") {
			t.Errorf("connect_to = %q: got %q", bad, diags)
		}
	}
}
