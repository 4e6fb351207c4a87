package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// The production stack's service checks (infra/units/service.hcl) catch
// each of the three production failures from their outputs alone: a
// partner hostname without a listener rule, a hostname without a
// certificate, an issuer naming another domain. On the emulator only the
// asserts run; the network checks are off.
func TestProductionStackServiceChecks(t *testing.T) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	st, u, inputs := loadServiceUnit(t, repo, map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"})
	const app, partner = "app.staging.bookmark-manager.test", "partner-api.staging.bookmark-manager.test"
	healthy := func() map[string]cty.Value {
		return map[string]cty.Value{
			"app_domain":         cty.StringVal(app),
			"partner_api_domain": cty.StringVal(partner),
			"alb_dns_name":       cty.StringVal("bookmark-manager-staging-alb-1.ap-northeast-1.elb.amazonaws.com"),
			"jwt_issuer":         cty.StringVal("https://" + app),
			"public_hostnames":   strList(app, partner),
			"routed_hostnames":   strList(app, partner),
			"certificate_names":  strList(app, partner),
		}
	}
	eval := func(outputs map[string]cty.Value) map[string]*VerifySpec {
		t.Helper()
		specs, diags := st.EvalVerify(u, outputs, inputs)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		out := map[string]*VerifySpec{}
		for _, s := range specs {
			out[s.Name] = s
		}
		return out
	}
	specs := eval(healthy())
	// On AWS, from a network the load balancer admits, every check runs.
	onAWS, su, sin := loadServiceUnit(t, repo, map[string]string{"VERIFY_REACHES_ALB": "true"})
	all, diags := onAWS.EvalVerify(su, healthy(), sin)
	if diags.HasErrors() || len(all) != 7 {
		t.Errorf("on AWS: %d checks, %v", len(all), diags)
	}
	var asserts []string
	for name, s := range specs {
		if s.Assert != nil {
			asserts = append(asserts, name)
			if !s.Assert.Passed {
				t.Errorf("%s fails on a healthy staging: %s", name, s.Assert.Message)
			}
		} else {
			t.Errorf("%s (%s) runs on the emulator; it needs real DNS and certificates", name, s.Kind)
		}
	}
	slices.Sort(asserts)
	if want := []string{"hostnames_covered", "issuer_follows_domain", "partner_hostname_routed"}; !slices.Equal(asserts, want) {
		t.Errorf("asserts %v, want %v", asserts, want)
	}

	for _, tt := range []struct {
		check, output string
		value         cty.Value
		message       string
	}{
		{"partner_hostname_routed", "routed_hostnames", strList(app), "no listener rule routes " + partner},
		{"hostnames_covered", "certificate_names", strList(app), "do not cover " + partner},
		{"issuer_follows_domain", "jwt_issuer", cty.StringVal("https://app.bookmark-manager.test"), `expects JWTs issued by "https://app.bookmark-manager.test"`},
	} {
		outputs := healthy()
		outputs[tt.output] = tt.value
		s := eval(outputs)[tt.check]
		if s.Assert.Passed || !strings.Contains(s.Assert.Message, tt.message) {
			t.Errorf("%s with %s = %#v: passed %v, message %q", tt.check, tt.output, tt.value, s.Assert.Passed, s.Assert.Message)
		}
	}
}

func loadServiceUnit(t *testing.T, repo string, env map[string]string) (*Stack, *Unit, map[string]cty.Value) {
	t.Helper()
	ssm := func(name string) (string, bool, error) { return "ssm:" + name, true, nil }
	l := NewLoader(Options{Dir: repo, Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, SSM: ssm})
	st, diags := l.Load("staging")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	u := st.Unit("service")
	ins, diags := st.Inputs(u, mockDeps(u))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	inputs := map[string]cty.Value{}
	for _, in := range ins {
		inputs[in.Name] = in.Value
	}
	return st, u, inputs
}

func strList(s ...string) cty.Value {
	vals := make([]cty.Value, len(s))
	for i, v := range s {
		vals[i] = cty.StringVal(v)
	}
	return cty.ListVal(vals)
}
