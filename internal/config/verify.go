package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stackctl/stackctl/internal/diag"
)

// VerifyKind is what a verify block checks.
type VerifyKind string

// The kinds of check, each written as a nested block of the same name.
const (
	VerifyHTTP      VerifyKind = "http"
	VerifyTLS       VerifyKind = "tls"
	VerifyDNS       VerifyKind = "dns"
	VerifyJWTIssuer VerifyKind = "jwt_issuer"
	VerifyAssert    VerifyKind = "assert"
)

// Verify is one `verify "NAME" { ... }` block of a unit.hcl, parsed but
// not evaluated: its expressions may use the unit's outputs, which exist
// only after apply. Stack.EvalVerify evaluates it.
type Verify struct {
	Name      string
	Kind      VerifyKind
	Range     hcl.Range // the verify "NAME" header
	KindRange hcl.Range // the kind block's header

	timeout, interval *hcl.Attribute
	// enabled, when set, turns the check off where it is false (checks
	// that need the real network, against an emulator).
	enabled *hcl.Attribute
	attrs   hcl.Attributes // the kind block's attributes
	// layer is the file the block is written in (the unit.hcl or an
	// included definition): its folder and locals.
	layer *unitLayer
}

// At is where the block is written, as file:line:col.
func (v *Verify) At() string { return diag.At(v.Range) }

var (
	verifySchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "timeout"}, {Name: "interval"}, {Name: "enabled"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: string(VerifyHTTP)}, {Type: string(VerifyTLS)}, {Type: string(VerifyDNS)},
			{Type: string(VerifyJWTIssuer)}, {Type: string(VerifyAssert)},
		},
	}
	verifyKindSchemas = map[VerifyKind]*hcl.BodySchema{
		VerifyHTTP: attrSchema([]string{"url"}, "method", "headers", "body", "status", "header_match", "body_match", "follow_redirects", "connect_to"),
		VerifyTLS:  attrSchema([]string{"host"}, "port", "min_days", "connect_to"),
		VerifyDNS:  attrSchema([]string{"name"}, "type", "expect"),
		VerifyJWTIssuer: attrSchema([]string{"issuer"}, "discovery_url", "token_url", "method", "headers", "body",
			"token_field"),
		VerifyAssert: attrSchema([]string{"condition", "message"}),
	}
	// verifyRoots are the variables a verify block may use.
	verifyRoots = []string{"outputs", "inputs", "project", "env", "unit", "local"}
)

func attrSchema(required []string, optional ...string) *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, n := range required {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: n, Required: true})
	}
	for _, n := range optional {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: n})
	}
	return s
}

// unitVerify parses the unit's verify blocks and evaluates what can be
// known before apply, so that `validate` and `plan` already report a bad
// regular expression, status or duration with its file:line:col. ctx is
// the unit's context (project, env, unit, local).
func (l *Loader) unitVerify(u *Unit, ly *unitLayer, blocks hcl.Blocks, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var mine []*Verify
	for _, b := range blocks {
		if b.Type != "verify" {
			continue
		}
		v, d := parseVerify(b)
		diags = append(diags, d...)
		if v == nil {
			continue
		}
		v.layer = ly
		if i := slices.IndexFunc(mine, func(p *Verify) bool { return p.Name == v.Name }); i >= 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate verify block",
				Detail: fmt.Sprintf("verify %q is already declared at %s.", v.Name, mine[i].At()), Subject: b.DefRange.Ptr()})
			continue
		}
		mine = append(mine, v)
		if i := slices.IndexFunc(u.Verify, func(p *Verify) bool { return p.Name == v.Name }); i >= 0 {
			u.Verify[i] = v
			continue
		}
		u.Verify = append(u.Verify, v)
	}
	if diags.HasErrors() || len(mine) == 0 {
		return diags
	}
	// Before apply the outputs are unknown, and ssm_parameter must not
	// reach for AWS in a plan: both stand in as unknown, and only what is
	// known is checked.
	pre := ctx.NewChild()
	pre.Variables = map[string]cty.Value{"outputs": cty.DynamicVal, "inputs": cty.DynamicVal}
	pre.Functions = map[string]function.Function{"ssm_parameter": function.New(&function.Spec{
		Params: []function.Parameter{{Name: "name", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return cty.UnknownVal(cty.String), nil
		},
	})}
	for _, v := range mine {
		_, d := decodeVerify(u, v, pre, true)
		diags = append(diags, d...)
	}
	return diags
}

func parseVerify(b *hcl.Block) (*Verify, hcl.Diagnostics) {
	name := b.Labels[0]
	if !hclIdentifier(name) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid verify name",
			Detail: fmt.Sprintf("%q: use letters, digits, _ and -; the name identifies the check in reports.", name), Subject: b.LabelRanges[0].Ptr()}}
	}
	c, diags := b.Body.Content(verifySchema)
	if diags.HasErrors() {
		return nil, diags
	}
	v := &Verify{Name: name, Range: b.DefRange, timeout: c.Attributes["timeout"], interval: c.Attributes["interval"], enabled: c.Attributes["enabled"]}
	switch len(c.Blocks) {
	case 0:
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Verify block without a check",
			Detail:  fmt.Sprintf("verify %q needs one check block: http, tls, dns, jwt_issuer or assert.", name),
			Subject: b.DefRange.Ptr()}}
	case 1:
	default:
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "More than one check in a verify block",
			Detail:  fmt.Sprintf("verify %q already has a %s block; give each check its own verify block, so that each passes or fails on its own.", name, c.Blocks[0].Type),
			Subject: c.Blocks[1].DefRange.Ptr()}}
	}
	kb := c.Blocks[0]
	v.Kind, v.KindRange = VerifyKind(kb.Type), kb.DefRange
	kc, d := kb.Body.Content(verifyKindSchemas[v.Kind])
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	v.attrs = kc.Attributes
	if v.Kind == VerifyJWTIssuer {
		disc, tok := v.attrs["discovery_url"] != nil, v.attrs["token_url"] != nil
		if disc == tok {
			return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "jwt_issuer needs one of discovery_url and token_url",
				Detail:  "Give discovery_url (an OpenID discovery document, whose issuer is read) or token_url (a token endpoint, whose token's iss claim is read), not both.",
				Subject: kb.DefRange.Ptr()})
		}
	}
	all := []*hcl.Attribute{v.timeout, v.interval, v.enabled}
	for _, a := range v.attrs {
		all = append(all, a)
	}
	for _, a := range all {
		if a != nil {
			diags = append(diags, checkVerifyRoots(a.Expr)...)
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return v, diags
}

// checkVerifyRoots explains the variables a check cannot use; HCL's own
// "Unknown variable" would not say what is available instead.
func checkVerifyRoots(expr hcl.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		root := t.RootName()
		if slices.Contains(verifyRoots, root) {
			continue
		}
		detail := "A verify block can use " + strings.Join(verifyRoots, ", ") + "."
		if root == "dependency" {
			detail = "A verify block checks its own unit, with outputs.<name> and inputs.<name>; to check a dependency's output, declare the check in that unit."
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("%s is not available in verify", root),
			Detail: detail, Subject: t.SourceRange().Ptr()})
	}
	return diags
}
