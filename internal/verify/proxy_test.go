package verify

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// net/http reads HTTP_PROXY once per process, so the checks run in a
// child process of the test binary whose environment names the proxy.
const proxyChild = "STACKCTL_VERIFY_PROXY_CHILD"

// A proxy in the environment carries requests to names DNS must resolve;
// a host given to --resolve, or reached through connect_to, is dialled
// directly, since the proxy would resolve the name itself.
func TestProxyFromEnvironment(t *testing.T) {
	if os.Getenv(proxyChild) == "" {
		t.Parallel()
		cmd := exec.Command(os.Args[0], "-test.run=^TestProxyFromEnvironment$", "-test.v")
		cmd.Env = append(os.Environ(), proxyChild+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestProxyFromEnvironment") {
			t.Fatalf("the checks with a proxy in the environment: %v\n%s", err, out)
		}
		return
	}
	origin := httpServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "from the origin") }))
	proxy := httpServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "through the proxy to %s", r.URL.Host)
	}))
	t.Setenv("HTTP_PROXY", proxy)
	t.Setenv("NO_PROXY", "")
	port := strings.TrimPrefix(origin, "http://127.0.0.1:")
	res, err := ParseResolve("app.verify.test:" + port + ":127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	specs := load(t, `
verify "resolved" {
  http {
    url        = "http://app.verify.test:${outputs.port}/"
    body_match = "^from the origin$"
  }
}
verify "connect_to" {
  http {
    url        = "http://cdn.verify.test:${outputs.port}/"
    connect_to = "127.0.0.1"
    body_match = "^from the origin$"
  }
}
verify "proxied" {
  http {
    url        = "http://elsewhere.verify.test/"
    body_match = "^through the proxy to elsewhere.verify.test$"
  }
}
`, map[string]cty.Value{"port": str(port)})
	got := run(t, verifier(t, Options{Resolve: []Resolve{res}, Timeout: 8 * time.Second}), specs)
	for _, name := range []string{"resolved", "connect_to", "proxied"} {
		if r := got[name]; !r.Passed {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

func TestHostPort(t *testing.T) {
	for in, want := range map[string]string{
		"https://App.test/x":     "App.test:443",
		"http://app.test":        "app.test:80",
		"http://app.test:8080/":  "app.test:8080",
		"https://[::1]:8443/":    "[::1]:8443",
		"https://app.test:443/y": "app.test:443",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := hostPort(u); got != want {
			t.Errorf("hostPort(%s) = %s, want %s", in, got, want)
		}
	}
}
