package config

// The decoder turns a verify block's evaluated arguments into a spec,
// collecting every argument's error at once rather than stopping at the
// first.

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stackctl/stackctl/internal/redact"
)

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

// connectTo is "HOST" or "HOST:PORT": a name or address, no scheme or
// path (an empty string, as from an output not set, connects as usual).
func (d *decoder) connectTo(a *hcl.Attribute) string {
	s := d.str(a)
	if s == "" {
		return ""
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	}
	if n, err := strconv.Atoi(port); host == "" || strings.ContainsAny(host, "/:@ ") || (port != "" && (err != nil || n < 1 || n > 65535)) {
		d.fail(a, "Invalid connect_to", fmt.Sprintf("%s is %q: give HOST or HOST:PORT, like \"my-alb-123.eu-west-1.elb.amazonaws.com\" or \"10.0.3.7:8443\" (no scheme or path).", a.Name, s))
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
