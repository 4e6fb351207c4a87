package config

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stackctl/stackctl/internal/redact"
)

// EvalVerify evaluates a unit's verify blocks with its outputs (from
// state; sensitive ones marked Sensitive) and its rendered inputs. Every
// block gives a spec; one that cannot be evaluated carries its
// diagnostics, which are also returned together.
func (s *Stack) EvalVerify(u *Unit, outputs, inputs map[string]cty.Value) ([]*VerifySpec, hcl.Diagnostics) {
	contextOf := func(v *Verify) *hcl.EvalContext {
		dir, locals, shared := u.Dir, u.ownLocals(), false
		if v.layer != nil {
			dir, locals, shared = v.layer.dir, v.layer.locals, v.layer.inc != nil
		}
		ctx := s.loader.fileContext(dir, shared)
		ctx.Variables = u.newVars()
		ctx.Variables["local"] = locals
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
			Body: d.str(a["body"]), Status: d.status(a["status"]), BodyMatch: d.regex(a["body_match"]), FollowRedirects: d.boolean(a["follow_redirects"])}
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
		t := &TLSCheck{Host: d.str(a["host"]), Port: d.integer(a["port"], 443, 1, 65535), MinDays: d.integer(a["min_days"], DefaultTLSMinDays, 0, 3650)}
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

// decoder evaluates a check's attributes. In partial mode (before apply)
// unknown values are skipped rather than reported, so that only what is
// already known is checked.
type decoder struct {
	ctx     *hcl.EvalContext
	partial bool
	diags   hcl.Diagnostics
	secrets []string
}

func (d *decoder) fail(a *hcl.Attribute, summary, detail string) {
	d.diags = append(d.diags, attrError(a, summary, detail))
}

// raw returns the attribute's value with its marks, and false when it is
// absent, null, unknown (in partial mode) or fails to evaluate. The
// string leaves of a sensitive value become secrets.
func (d *decoder) raw(a *hcl.Attribute) (cty.Value, bool) {
	if a == nil {
		return cty.NilVal, false
	}
	v, diags := a.Expr.Value(d.ctx)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		if !d.partial {
			d.fail(a, "Value not known", fmt.Sprintf("%s is not known: every value a check uses must be known after apply.", a.Name))
		}
		return cty.NilVal, false
	}
	if IsSensitive(v) {
		d.secrets = append(d.secrets, redact.Secrets(v)...)
	}
	if u, _ := v.Unmark(); u.IsNull() {
		return cty.NilVal, false
	}
	return v, true
}

// eval returns the attribute's value converted to ty, unmarked.
func (d *decoder) eval(a *hcl.Attribute, ty cty.Type, what string) (cty.Value, bool) {
	v, ok := d.raw(a)
	if !ok {
		return cty.NilVal, false
	}
	return d.convert(a, v, ty, what)
}

func (d *decoder) convert(a *hcl.Attribute, v cty.Value, ty cty.Type, what string) (cty.Value, bool) {
	v, _ = v.UnmarkDeep()
	cv, err := convert.Convert(v, ty)
	if err != nil {
		d.fail(a, "Invalid "+a.Name, fmt.Sprintf("%s must be %s.", a.Name, what))
		return cty.NilVal, false
	}
	return cv, true
}

func (d *decoder) str(a *hcl.Attribute) string {
	if v, ok := d.eval(a, cty.String, "a string"); ok {
		return v.AsString()
	}
	return ""
}

func (d *decoder) boolean(a *hcl.Attribute) bool {
	v, ok := d.eval(a, cty.Bool, "true or false")
	return ok && v.True()
}

func (d *decoder) integer(a *hcl.Attribute, def, lo, hi int) int {
	v, ok := d.eval(a, cty.Number, "a whole number")
	if !ok {
		return def
	}
	n, acc := v.AsBigFloat().Int64()
	if acc != 0 || n < int64(lo) || n > int64(hi) {
		d.fail(a, "Invalid "+a.Name, fmt.Sprintf("%s must be a whole number from %d to %d.", a.Name, lo, hi))
		return def
	}
	return int(n)
}

func (d *decoder) strList(a *hcl.Attribute) []string {
	v, ok := d.raw(a)
	if !ok {
		return nil
	}
	if u, _ := v.Unmark(); u.Type() == cty.String {
		return []string{u.AsString()}
	}
	v, ok = d.convert(a, v, cty.List(cty.String), "a string or a list of strings")
	if !ok {
		return nil
	}
	var out []string
	for _, e := range v.AsValueSlice() {
		if !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out
}

var secretHeaderName = regexp.MustCompile(`(?i)key|token|secret|passw|auth|cookie|credential|signature|session`)

// strMap returns a map of strings as name/value pairs, sorted by name. A
// value that is sensitive, or whose name looks like a key, token or
// password, is marked Secret and becomes a secret of the check.
func (d *decoder) strMap(a *hcl.Attribute) []Header {
	v, ok := d.raw(a)
	if !ok {
		return nil
	}
	um, _ := v.Unmark()
	if !um.Type().IsObjectType() && !um.Type().IsMapType() {
		d.fail(a, "Invalid "+a.Name, a.Name+" must be a map of strings.")
		return nil
	}
	var out []Header
	for k, e := range valueMap(v) {
		sensitive := IsSensitive(e)
		e, ok := d.convert(a, e, cty.String, "a map of strings")
		if !ok {
			return nil
		}
		if e.IsNull() {
			continue
		}
		out = append(out, Header{Name: k, Value: e.AsString(), Secret: sensitive})
	}
	slices.SortFunc(out, func(x, y Header) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func (d *decoder) headers(a *hcl.Attribute) []Header {
	hs := d.strMap(a)
	for i := range hs {
		if hs[i].Secret || secretHeaderName.MatchString(hs[i].Name) {
			hs[i].Secret = true
			d.secrets = append(d.secrets, hs[i].Value)
		}
	}
	return hs
}

func (d *decoder) url(a *hcl.Attribute) string {
	s := d.str(a)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		d.fail(a, "Invalid URL", fmt.Sprintf("%s must be an absolute http:// or https:// URL.", a.Name))
		return ""
	}
	return s
}

var methodToken = regexp.MustCompile(`^[A-Z]+$`)

func (d *decoder) method(a *hcl.Attribute, def string) string {
	m := strings.ToUpper(d.str(a))
	if m == "" {
		return def
	}
	if !methodToken.MatchString(m) {
		d.fail(a, "Invalid method", "method is an HTTP method such as GET, HEAD or POST.")
		return def
	}
	return m
}

func (d *decoder) compile(a *hcl.Attribute, pattern string) *regexp.Regexp {
	re, err := regexp.Compile(pattern)
	if err != nil {
		d.fail(a, "Invalid regular expression", fmt.Sprintf("%q: %v (RE2 syntax, as in Terraform's regex()).", pattern, err))
		return nil
	}
	return re
}

func (d *decoder) regex(a *hcl.Attribute) *regexp.Regexp {
	if s := d.str(a); s != "" {
		return d.compile(a, s)
	}
	return nil
}

func (d *decoder) duration(a *hcl.Attribute) time.Duration {
	s := d.str(a)
	if s == "" {
		return 0
	}
	dur, err := time.ParseDuration(s)
	if err != nil || dur <= 0 {
		d.fail(a, "Invalid "+a.Name, fmt.Sprintf("%s is a positive duration such as \"30s\" or \"5m\".", a.Name))
		return 0
	}
	return dur
}

var statusClass = regexp.MustCompile(`^([1-5])xx$`)

// status accepts a code, a class ("4xx"), or a list of them.
func (d *decoder) status(a *hcl.Attribute) []StatusRange {
	if a == nil {
		return nil
	}
	v, ok := d.raw(a)
	if !ok {
		return nil
	}
	v, _ = v.UnmarkDeep()
	items := []cty.Value{v}
	if v.Type().IsTupleType() || v.Type().IsListType() || v.Type().IsSetType() {
		items = v.AsValueSlice()
	}
	const want = "status must be a code such as 200, a class such as \"4xx\", or a list of them: [401, 403]."
	var out []StatusRange
	for _, it := range items {
		if it.IsNull() {
			continue
		}
		if s, err := convert.Convert(it, cty.String); err == nil && statusClass.MatchString(strings.ToLower(s.AsString())) {
			c := int(s.AsString()[0]-'0') * 100
			out = append(out, StatusRange{c, c + 99})
			continue
		}
		n, err := convert.Convert(it, cty.Number)
		if err != nil {
			d.fail(a, "Invalid status", want)
			return nil
		}
		code, acc := n.AsBigFloat().Int64()
		if acc != 0 || code < 100 || code > 599 {
			d.fail(a, "Invalid status", want)
			return nil
		}
		out = append(out, StatusRange{int(code), int(code)})
	}
	if len(out) == 0 {
		d.fail(a, "Invalid status", want)
	}
	return out
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
