package config

import (
	"maps"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// Mistakes in how a verify block is written, reported by Load at their
// position, each once.
func TestVerifyBlockShape(t *testing.T) {
	for body, want := range map[string]string{
		"verify \"1st\" {\n  dns { name = \"a\" }\n}":                                                                                     `unit.hcl:1:8: Invalid verify name; "1st": use letters, digits, _ and -; the name identifies the check in reports.`,
		"verify \"x\" {\n  timeout = \"1s\"\n}":                                                                                           `unit.hcl:1:1: Verify block without a check; verify "x" needs one check block: http, tls, dns, jwt_issuer or assert.`,
		"verify \"x\" {\n  dns { name = \"a\" }\n  tls { host = \"a\" }\n  dns { name = \"b\" }\n}":                                       `unit.hcl:3:3: More than one check in a verify block; verify "x" already has a dns block;`,
		"verify \"x\" {\n  jwt_issuer { issuer = \"https://a.example.com/\" }\n}":                                                         `unit.hcl:2:3: jwt_issuer needs one of discovery_url and token_url;`,
		"verify \"x\" {\n  timeout = path.module\n  dns { name = \"a\" }\n}":                                                              `unit.hcl:2:13: path is not available in verify; A verify block can use outputs, inputs, project, env, unit, local.`,
		"verify \"x\" {\n  interval = dependency.a.outputs.b\n  dns { name = \"a\" }\n}":                                                  `unit.hcl:2:14: dependency is not available in verify; A verify block checks its own unit`,
		"verify \"x\" {\n  enabled = var.on\n  dns { name = \"a\" }\n}":                                                                   `unit.hcl:2:13: var is not available in verify;`,
		"verify \"x\" {\n  dns { name = \"${terraform.workspace}.example.com\" }\n}":                                                      `unit.hcl:2:19: terraform is not available in verify;`,
		"verify \"x\" {\n  dns {\n    name = \"a\"\n    port = 53\n  }\n}":                                                                `unit.hcl:4:5: Unsupported argument;`,
		"verify \"x\" {\n  dns { name = \"a\" }\n}\nverify \"y\" {\n  dns { name = \"b\" }\n}\nverify \"x\" {\n  dns { name = \"c\" }\n}": `unit.hcl:7:1: Duplicate verify block; verify "x" is already declared at infra/live/dev/web/unit.hcl:1:1.`,
	} {
		_, diags := load(t, withUnit(body+"\n"), "dev", nil)
		if got := located(diags); !strings.Contains(got, want) || len(diags) != 1 {
			t.Errorf("%s\n%d diagnostics:\n%s\nwant %q", body, len(diags), got, want)
		}
	}
}

func TestVerifyJWTIssuerSources(t *testing.T) {
	st := mustLoad(t, withUnit(`
verify "a" {
  jwt_issuer {
    discovery_url = "https://auth.example.com/.well-known/openid-configuration"
    issuer        = outputs.issuer
  }
}
verify "b" {
  timeout = "5s"
  enabled = outputs.on
  jwt_issuer {
    token_url = "https://auth.example.com/token"
    issuer    = "https://auth.example.com/"
  }
}`), "dev")
	specs, diags := st.EvalVerify(st.Unit("web"), map[string]cty.Value{"issuer": cty.StringVal("https://auth.example.com/"), "on": cty.True}, nil)
	if diags.HasErrors() || len(specs) != 2 {
		t.Fatal(located(diags))
	}
	a, b := specs[0].JWTIssuer, specs[1].JWTIssuer
	if a.DiscoveryURL != "https://auth.example.com/.well-known/openid-configuration" || a.TokenURL != "" || a.Issuer != "https://auth.example.com/" {
		t.Errorf("a: %+v", a)
	}
	if b.TokenURL != "https://auth.example.com/token" || b.DiscoveryURL != "" || b.Method != "POST" || specs[1].Timeout.String() != "5s" {
		t.Errorf("b: %+v", b)
	}
}

// A unit.hcl's verify block replaces an included one of the same name in
// its place, whichever place that is; one with a new name comes after.
func TestVerifyReplacesAnIncludedOneInPlace(t *testing.T) {
	files := maps.Clone(includeTree)
	check := func(name, host string) string {
		return "verify \"" + name + "\" {\n  tls { host = \"" + host + "\" }\n}\n"
	}
	files["infra/units/service.hcl"] += check("first", "shared.example.com") + check("second", "shared.example.com")
	files["infra/live/dev/api/unit.hcl"] += check("first", "api.example.com") + check("third", "api.example.com")
	st := mustLoad(t, files, "dev")
	specs, diags := st.EvalVerify(st.Unit("api"), nil, nil)
	if diags.HasErrors() {
		t.Fatal(located(diags))
	}
	var got []string
	for _, s := range specs {
		got = append(got, s.Name+"="+s.TLS.Host)
	}
	if want := "first=api.example.com second=shared.example.com third=api.example.com"; strings.Join(got, " ") != want {
		t.Errorf("checks %s, want %s", strings.Join(got, " "), want)
	}
}
