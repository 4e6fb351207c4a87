package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/redact"
)

// EvalVerify evaluates a unit's verify blocks with its outputs (from
// state; sensitive ones marked Sensitive) and its rendered inputs. Every
// block gives a spec; one that cannot be evaluated carries its
// diagnostics, which are also returned together.
func (s *Stack) EvalVerify(u *Unit, outputs, inputs map[string]cty.Value) ([]*VerifySpec, hcl.Diagnostics) {
	contextOf := func(v *Verify) *hcl.EvalContext {
		// The folder and locals of the file the block is written in: a
		// verify block always has one (unitVerify sets it).
		ly := v.layer
		ctx := s.loader.fileContext(ly.dir, ly.inc != nil)
		ctx.Variables = u.newVars()
		ctx.Variables["local"] = ly.locals
		ctx.Variables["outputs"] = objectOf(outputs)
		ctx.Variables["inputs"] = objectOf(inputs)
		return ctx
	}
	// Every secret of the unit is masked in every check's messages, not
	// only those a check names: an answer may echo any of them.
	var secrets []string
	for _, m := range []map[string]cty.Value{outputs, inputs} {
		for _, val := range m {
			if IsSensitive(val) {
				secrets = append(secrets, redact.Secrets(val)...)
			}
		}
	}
	var all hcl.Diagnostics
	var specs []*VerifySpec
	for _, v := range u.Verify {
		ctx := contextOf(v)
		d := checkVerifyNames(u, v, outputs, inputs)
		if !d.HasErrors() && v.enabled != nil {
			on, dd := evalVerifyEnabled(v.enabled, ctx)
			d = append(d, dd...)
			if !dd.HasErrors() && !on {
				continue
			}
		}
		spec := &VerifySpec{Unit: u.Path, Name: v.Name, Kind: v.Kind, At: v.At()}
		if !d.HasErrors() {
			spec, d = decodeVerify(u, v, ctx, false)
		}
		spec.Diags = d
		spec.Secrets = append(spec.Secrets, secrets...)
		all = append(all, d...)
		specs = append(specs, spec)
	}
	return specs, all
}

func objectOf(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// checkVerifyNames says which output or input is missing and what the
// unit has instead.
func checkVerifyNames(u *Unit, v *Verify, outputs, inputs map[string]cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	exprs := []*hcl.Attribute{v.timeout, v.interval}
	for _, a := range v.attrs {
		exprs = append(exprs, a)
	}
	for _, a := range exprs {
		if a == nil {
			continue
		}
		for _, t := range a.Expr.Variables() {
			var have map[string]cty.Value
			switch t.RootName() {
			case "outputs":
				have = outputs
			case "inputs":
				have = inputs
			default:
				continue
			}
			name, ok := traverseName(t, 1)
			if !ok {
				continue
			}
			if _, exists := have[name]; exists {
				continue
			}
			what := "output"
			if t.RootName() == "inputs" {
				what = "input"
			}
			detail := fmt.Sprintf("Unit %s has no %s %q. ", u.Path, what, name)
			if len(have) == 0 {
				detail += fmt.Sprintf("It has no %ss", what)
			} else {
				detail += fmt.Sprintf("Its %ss: %s", what, strings.Join(slices.Sorted(maps.Keys(have)), ", "))
			}
			if what == "output" {
				detail += "; outputs are read from the unit's state, so a new output needs an apply first."
			} else {
				detail += "."
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown " + what + " in verify " + v.Name,
				Detail: detail, Subject: t.SourceRange().Ptr()})
		}
	}
	return diags
}

func decodeVerify(u *Unit, v *Verify, ctx *hcl.EvalContext, partial bool) (*VerifySpec, hcl.Diagnostics) {
	d := &decoder{ctx: ctx, partial: partial}
	spec := &VerifySpec{Unit: u.Path, Name: v.Name, Kind: v.Kind, At: v.At()}
	spec.Timeout = d.duration(v.timeout)
	spec.Interval = d.duration(v.interval)
	a := v.attrs
	switch v.Kind {
	case VerifyHTTP:
		h := &HTTPCheck{URL: d.url(a["url"]), Method: d.method(a["method"], "GET"), Headers: d.headers(a["headers"]),
			Body: d.str(a["body"]), Status: d.status(a["status"]), BodyMatch: d.regex(a["body_match"]), FollowRedirects: d.boolean(a["follow_redirects"]),
			ConnectTo: d.connectTo(a["connect_to"])}
		if h.Status == nil {
			h.Status = []StatusRange{{200, 299}}
		}
		for _, kv := range d.strMap(a["header_match"]) {
			if re := d.compile(a["header_match"], kv.Value); re != nil {
				h.HeaderMatch = append(h.HeaderMatch, HeaderMatch{Name: kv.Name, Pattern: re})
			}
		}
		spec.HTTP = h
	case VerifyTLS:
		t := &TLSCheck{Host: d.str(a["host"]), Port: d.integer(a["port"], 443, 1, 65535), MinDays: d.integer(a["min_days"], DefaultTLSMinDays, 0, 3650),
			ConnectTo: d.connectTo(a["connect_to"])}
		if strings.Contains(t.Host, "/") || strings.Contains(t.Host, ":") {
			d.fail(a["host"], "Invalid host", "host is a host name, like \"app.example.com\": no scheme, path or port (port is its own setting).")
		}
		spec.TLS = t
	case VerifyDNS:
		n := &DNSCheck{Name: d.str(a["name"]), Type: strings.ToUpper(d.str(a["type"])), Expect: d.strList(a["expect"])}
		if !slices.Contains([]string{"", "A", "AAAA", "CNAME", "TXT"}, n.Type) {
			d.fail(a["type"], "Invalid DNS type", "type is one of A, AAAA, CNAME or TXT; leave it out to accept any address.")
		}
		spec.DNS = n
	case VerifyJWTIssuer:
		j := &JWTIssuerCheck{DiscoveryURL: d.url(a["discovery_url"]), TokenURL: d.url(a["token_url"]), Method: d.method(a["method"], "POST"),
			Headers: d.headers(a["headers"]), Body: d.str(a["body"]), TokenField: d.str(a["token_field"]), Issuer: d.str(a["issuer"])}
		spec.JWTIssuer = j
	case VerifyAssert:
		spec.Assert = &AssertCheck{Passed: d.boolean(a["condition"]), Message: d.str(a["message"])}
	}
	spec.Secrets = d.secrets
	return spec, d.diags
}

// evalVerifyEnabled reads a verify block's enabled: a known bool.
func evalVerifyEnabled(a *hcl.Attribute, ctx *hcl.EvalContext) (bool, hcl.Diagnostics) {
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return false, diags
	}
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
		return false, hcl.Diagnostics{attrError(a, "Invalid enabled", "enabled is true or false: enabled = !inputs.aws_emulator.")}
	}
	return v.True(), nil
}
