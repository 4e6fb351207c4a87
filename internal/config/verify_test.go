package config

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/testutil"
)

func withUnit(body string) map[string]string {
	files := maps.Clone(base)
	files["infra/live/dev/web/unit.hcl"] = body
	return files
}

func TestVerifyBlocks(t *testing.T) {
	st := mustLoad(t, withUnit(`
locals { path = "/health" }
verify "app" {
  timeout = "90s"
  http {
    url     = "https://${env.domain}${local.path}"
    headers = { "X-Gateway-Key" = outputs.key, Accept = "application/json" }
    status  = [200, "3xx"]
  }
}
verify "cert" {
  tls {
    host = env.domain
  }
}
`), "dev")
	u := st.Unit("web")
	if len(u.Verify) != 2 || u.Verify[0].Name != "app" || u.Verify[0].Kind != VerifyHTTP || u.Verify[1].Kind != VerifyTLS {
		t.Fatalf("verify blocks: %+v", u.Verify)
	}
	specs, diags := st.EvalVerify(u, map[string]cty.Value{"key": cty.StringVal("k-123456").Mark(Sensitive)}, nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	h := specs[0].HTTP
	if h.URL != "https://www.example.com/health" || h.Method != "GET" || specs[0].Timeout != 90*time.Second {
		t.Errorf("http: %+v", h)
	}
	if len(h.Status) != 2 || h.Status[0] != (StatusRange{200, 200}) || h.Status[1] != (StatusRange{300, 399}) {
		t.Errorf("status: %+v", h.Status)
	}
	if len(h.Headers) != 2 || h.Headers[0].Name != "Accept" || h.Headers[0].Secret || !h.Headers[1].Secret {
		t.Errorf("headers: %+v", h.Headers)
	}
	if !strings.Contains(strings.Join(specs[0].Secrets, ","), "k-123456") {
		t.Errorf("the key is not among the secrets: %v", specs[0].Secrets)
	}
	if tc := specs[1].TLS; tc.Host != "www.example.com" || tc.Port != 443 || tc.MinDays != DefaultTLSMinDays {
		t.Errorf("tls: %+v", tc)
	}
}

// Mistakes that can be seen before apply are reported by Load, at their
// file:line:col.
func TestVerifyErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"no check", `verify "x" {}`, `unit.hcl:1:1: Verify block without a check`},
		{"two checks", `
verify "x" {
  dns { name = "a.example.com" }
  assert {
    condition = true
    message   = "m"
  }
}`, `unit.hcl:4:3: More than one check in a verify block`},
		{"unknown kind", `
verify "x" {
  ping { host = "a" }
}`, `Unsupported block type`},
		{"unknown attribute", `
verify "x" {
  http {
    url   = "https://a.example.com"
    codes = [200]
  }
}`, `unit.hcl:5:5: Unsupported argument`},
		{"missing url", `
verify "x" {
  http {}
}`, `Missing required argument`},
		{"bad regex", `
verify "x" {
  http {
    url        = outputs.url
    body_match = "ok("
  }
}`, `unit.hcl:5:18: Invalid regular expression`},
		{"bad status", `
verify "x" {
  http {
    url    = outputs.url
    status = [200, 999]
  }
}`, `unit.hcl:5:14: Invalid status`},
		{"bad timeout", `
verify "x" {
  timeout = "soon"
  assert {
    condition = outputs.ok
    message   = "m"
  }
}`, `unit.hcl:3:13: Invalid timeout`},
		{"dependency", `
dependency "net" { path = "../network" }
verify "x" {
  dns { name = dependency.net.outputs.name }
}`, `unit.hcl:4:16: dependency is not available in verify`},
		{"jwt both", `
verify "x" {
  jwt_issuer {
    discovery_url = "https://a.example.com/.well-known/openid-configuration"
    token_url     = "https://a.example.com/token"
    issuer        = "https://a.example.com/"
  }
}`, `jwt_issuer needs one of discovery_url and token_url`},
		{"duplicate", `
verify "x" {
  dns { name = "a.example.com" }
}
verify "x" {
  dns { name = "b.example.com" }
}`, `unit.hcl:5:1: Duplicate verify block`},
		{"assert not bool", `
verify "x" {
  assert {
    condition = "yes please"
    message   = "m"
  }
}`, `unit.hcl:4:17: Invalid condition`},
		{"bad url", `
verify "x" {
  http { url = "app.example.com/health" }
}`, `Invalid URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := load(t, withUnit(tt.body), "dev", nil)
			if !diags.HasErrors() || !strings.Contains(located(diags), tt.want) {
				t.Errorf("want %q, got: %v", tt.want, located(diags))
			}
		})
	}
}

// located lists diagnostics as file:line:col: summary; detail.
func located(diags hcl.Diagnostics) string {
	var out []string
	for _, d := range diags {
		at := ""
		if d.Subject != nil {
			at = diag.At(*d.Subject) + ": "
		}
		out = append(out, at+d.Summary+"; "+d.Detail)
	}
	return strings.Join(out, "\n")
}

func TestVerifyUnknownOutput(t *testing.T) {
	st := mustLoad(t, withUnit(`
verify "x" {
  http { url = outputs.app_url }
}`), "dev")
	specs, diags := st.EvalVerify(st.Unit("web"), map[string]cty.Value{"url": cty.StringVal("https://a.example.com")}, nil)
	if !diags.HasErrors() || len(specs) != 1 || !specs[0].Diags.HasErrors() {
		t.Fatalf("want an error, got %v", diags)
	}
	if got := located(diags); !strings.Contains(got, `unit.hcl:3:16: Unknown output in verify x; Unit web has no output "app_url". Its outputs: url;`) {
		t.Errorf("message: %s", got)
	}
}

// Reading the configuration never reaches for AWS on behalf of a verify
// block: ssm_parameter is called only when the checks are evaluated.
func TestVerifySSMOnlyWhenEvaluated(t *testing.T) {
	dir := testutil.WriteTree(t, withUnit(`
verify "key" {
  http {
    url     = "https://api.example.com/"
    headers = { "X-Gateway-Key" = ssm_parameter("/shop/dev/key") }
  }
}`))
	calls := 0
	ssm := func(name string) (string, bool, error) { calls++; return "k-" + name, true, nil }
	st, diags := NewLoader(Options{Dir: dir, SSM: ssm}).Load("dev")
	if diags.HasErrors() || calls != 0 {
		t.Fatalf("load: %d SSM calls, %v", calls, diags)
	}
	specs, diags := st.EvalVerify(st.Unit("web"), nil, nil)
	if diags.HasErrors() || calls != 1 || !specs[0].HTTP.Headers[0].Secret {
		t.Fatalf("eval: %d SSM calls, %+v, %v", calls, specs[0].HTTP, diags)
	}
}
