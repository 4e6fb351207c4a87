package parity

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func env(name string, vars map[string]string) *Env {
	e := &Env{Name: name, Vars: map[string]cty.Value{}}
	for k, v := range vars {
		e.Vars[k] = cty.StringVal(v)
	}
	return e
}

func TestPlaceholders(t *testing.T) {
	staging := env("staging", map[string]string{"domain": "app.staging.example.com", "zone": "staging.example.com", "region": "eu-west-1", "cidr": "10.20.0.0/16"})
	prod := env("prod", map[string]string{"domain": "app.example.com", "zone": "example.com", "region": "eu-west-1", "cidr": "10.30.0.0/16"})
	tests := []struct {
		a, b string
		same bool
	}{
		{"app.staging.example.com", "app.example.com", true},
		{"https://app.staging.example.com/", "https://app.staging.example.com/", false}, // prod still names staging's
		{"partner-api.staging.example.com", "partner-api.example.com", true},
		{"APP.STAGING.EXAMPLE.COM", "app.example.com", true}, // DNS names ignore case
		{"shop-assets-staging", "shop-assets-prod", true},    // the env's name
		{"Staging", "Prod", true},                            // name in any case
		{"production", "production", true},                   // "prod" is not a word of it
		{"staging-production", "prod-production", true},      // but here it is
		{"stagingz", "prodz", false},                         // a word goes on with letters,
		{"astaging", "aprod", false},
		{"staging0", "prod0", false}, // digits,
		{"9staging", "9prod", false},
		{"staging_", "prod_", true},                                          // but not '_'
		{"myexample.com", "myexample.com", true},                             // not a label of example.com
		{"example.com.au", "example.com.au", true},                           // example.com is not the end
		{"eu-west-1", "eu-west-1", true},                                     // region is not a domain
		{"10.20.0.0/16", "10.30.0.0/16", false},                              // nor is a CIDR block
		{"api.example.com", "api.example.com", false},                        // staging names prod's zone
		{"sso.staging.example.com", "sso.example.com", true},                 // zone, not domain
		{"app.staging.example.com.", "app.example.com.", true},               // FQDN with the root dot
		{"app.staging.example.com,app2", "app.example.com,app2", true},       // followed by punctuation
		{"at app.staging.example.com. See", "at app.example.com. See", true}, // a sentence's full stop
		{"db.app.staging.example.com", "db.staging.app.example.com", false},  // labels in another order
	}
	pa, pb := newPlaceholders(staging, nil, nil), newPlaceholders(prod, nil, nil)
	for _, tt := range tests {
		got := sameTokens(pa.tokens(tt.a), pb.tokens(tt.b))
		if got != tt.same {
			t.Errorf("%q (%s) vs %q (%s): same = %v, want %v", tt.a, pa.normalize(tt.a), tt.b, pb.normalize(tt.b), got, tt.same)
		}
	}
}

// Two vars with one value in an environment are both candidates: the
// other environment may use either.
func TestPlaceholderShared(t *testing.T) {
	staging := env("staging", map[string]string{"domain": "staging.example.com", "base_domain": "example.com"})
	prod := env("prod", map[string]string{"domain": "example.com", "base_domain": "example.com"})
	pa, pb := newPlaceholders(staging, nil, nil), newPlaceholders(prod, nil, nil)
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"auth.example.com", "auth.example.com", true},          // base_domain on both sides
		{"app.staging.example.com", "app.example.com", true},    // domain on both sides
		{"auth.example.com", "auth.staging.example.com", false}, // base_domain vs prod's domain... which is staging's name
	} {
		if got := sameTokens(pa.tokens(tt.a), pb.tokens(tt.b)); got != tt.same {
			t.Errorf("%q vs %q: same = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestDomainVarsConfigured(t *testing.T) {
	staging := env("staging", map[string]string{"domain": "staging.example.com", "mail": "mail.staging.example.com"})
	prod := env("prod", map[string]string{"domain": "example.com", "mail": "mail.example.com"})
	// Only "mail" counts: the domain var is left as text.
	pa, pb := newPlaceholders(staging, []string{"mail"}, nil), newPlaceholders(prod, []string{"mail"}, nil)
	if !sameTokens(pa.tokens("mail.staging.example.com"), pb.tokens("mail.example.com")) {
		t.Error("mail should agree")
	}
	if sameTokens(pa.tokens("app.staging.example.com"), pb.tokens("app.example.com")) {
		t.Error("domain is not a domain var here: app hostnames should differ")
	}
	if got := pa.normalize("x-staging.y"); got != "x-${env.name}.y" {
		t.Errorf("the env name always counts: %q", got)
	}
}

func TestMatchPath(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"desired_count", "desired_count", true},
		{"desired_count", "desired_count_max", false},
		{"tags", "tags.team", true},
		{"tags", "tags[\"kubernetes.io/role\"]", true},
		{"tags.team", "tags.owner", false},
		{"hostnames[*]", "hostnames[1]", true},
		{"hostnames[*]", "hostnames", false},
		{"*_count", "desired_count", true},
		{"*_count", "scaling.max_count", true},
		{"scaling.*", "scaling.max", true},
		{"aws_lb_listener_rule.*", "aws_lb_listener_rule.partner", true},
		{"module.alb", "module.alb.aws_lb.main", true},
		{"module.alb", "module.albx.aws_lb.main", false},
		{"*", "anything.at[0].all", true},
		{"*", "", true}, // HCL takes "" as an input name
		{"db_size", "cb_size", false},
		{"db_size", "d", false},
	}
	for _, tt := range tests {
		if got := matchPath(tt.pattern, tt.path); got != tt.want {
			t.Errorf("matchPath(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

// A zone that stackctl.hcl computes from a subdomain var is no env var:
// domain_inputs names the input that carries it.
func TestDomainInputs(t *testing.T) {
	withZone := func(name, zone string) *Env {
		e := env(name, map[string]string{"subdomain": name})
		if name == "prod" {
			e.Vars["subdomain"] = cty.StringVal("")
		}
		e.Units = []*Unit{
			{Path: "edge", Inputs: map[string]cty.Value{"zone_id": cty.UnknownVal(cty.String)}},
			{Path: "network", Inputs: map[string]cty.Value{"dns_zone_name": cty.StringVal(zone)}},
		}
		return e
	}
	staging, prod := withZone("staging", "staging.example.com"), withZone("prod", "example.com")
	pa, pb := newPlaceholders(staging, nil, []string{"dns_zone_name"}), newPlaceholders(prod, nil, []string{"dns_zone_name"})
	if !sameTokens(pa.tokens("app.staging.example.com"), pb.tokens("app.example.com")) {
		t.Error("app hostnames under each zone should agree")
	}
	if sameTokens(pa.tokens("https://app.staging.example.com"), pb.tokens("https://app.staging.example.com")) {
		t.Error("prod's issuer naming staging's zone should differ")
	}
	if got := pa.normalize("app.staging.example.com"); got != "app.${inputs.dns_zone_name}" {
		t.Errorf("placeholder shown as %q", got)
	}
	// Without domain_inputs the zones are plain text.
	if sameTokens(newPlaceholders(staging, nil, nil).tokens("app.staging.example.com"), newPlaceholders(prod, nil, nil).tokens("app.example.com")) {
		t.Error("without domain_inputs the hostnames differ")
	}
}

// A placeholder for a value two vars share is shown under the first var
// domain_vars lists, or else the first by name.
func TestPlaceholderShownUnderTheFirstVar(t *testing.T) {
	staging := env("staging", map[string]string{"zone": "staging.example.com", "domain": "staging.example.com", "name_zone": "staging.example.com"})
	for _, tt := range []struct {
		order []string
		want  string
	}{
		{nil, "app.${env.domain}"},
		{[]string{"zone", "domain"}, "app.${env.zone}"},
		{[]string{"name_zone", "domain", "zone"}, "app.${env.name_zone}"},
		{[]string{"domain", "zone"}, "app.${env.domain}"},
	} {
		if got := newPlaceholders(staging, tt.order, nil).normalize("app.staging.example.com"); got != tt.want {
			t.Errorf("domain_vars %v: %s, want %s", tt.order, got, tt.want)
		}
	}
}

// Domains and names match in any ASCII case, from A to Z.
func TestPlaceholdersInAnyCase(t *testing.T) {
	a := env("Blitz", map[string]string{"domain": "zaz.example.com"})
	b := env("prod", map[string]string{"domain": "example.com"})
	pa, pb := newPlaceholders(a, nil, nil), newPlaceholders(b, nil, nil)
	for _, s := range []string{"APP.ZAZ.EXAMPLE.COM", "x-BLITZ"} {
		if got := pa.normalize(s); !strings.Contains(got, "${env.") {
			t.Errorf("%s: %s", s, got)
		}
	}
	if !sameTokens(pa.tokens("app.ZAZ.EXAMPLE.COM"), pb.tokens("app.example.com")) {
		t.Error("upper case domain should agree")
	}
}
