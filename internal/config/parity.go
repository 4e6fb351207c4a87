package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/glob"
)

// Parity is the parity block of stackctl.hcl: how diff-env compares two
// environments, and which differences between them are intended.
type Parity struct {
	// DomainVars names the env vars whose values stand for an
	// environment's own domain. Nil means the default: every env var whose
	// value is a DNS name.
	DomainVars []string
	// DomainInputs names inputs whose rendered value, in each environment,
	// is one of its own domains: for a domain stackctl.hcl computes from
	// env vars (a zone from a subdomain) rather than env.hcl writing it.
	DomainInputs []string
	// Differences are the declared differences, in file order.
	Differences []DeclaredDifference
	Range       hcl.Range
}

// DeclaredDifference is one difference block: what may differ between
// environments, and why.
type DeclaredDifference struct {
	// Units are unit path globs (as for --unit); empty means every unit.
	Units []string
	// Inputs are input path patterns ("desired_count", "tags.team",
	// "hostnames[*]"); a pattern also covers everything below the path it
	// matches.
	Inputs []string
	// Resources are state address patterns, for diff-env --state.
	Resources []string
	// Source allows the module source and version to differ.
	Source bool
	// Envs limits the declaration to comparisons that involve one of these
	// environments; empty means every comparison.
	Envs   []string
	Reason string
	Range  hcl.Range
}

// WholeUnit reports whether the declaration names no aspect: then it
// covers everything about its units, including a unit present in one
// environment only.
func (d DeclaredDifference) WholeUnit() bool {
	return len(d.Inputs) == 0 && len(d.Resources) == 0 && !d.Source
}

// At is where the declaration is written, as file:line:col.
func (d DeclaredDifference) At() string { return diag.At(d.Range) }

var (
	paritySchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "domain_vars"}, {Name: "domain_inputs"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "difference"}},
	}
	differenceSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "units"}, {Name: "inputs"}, {Name: "resources"}, {Name: "source"}, {Name: "envs"},
			{Name: "reason", Required: true},
		},
	}
)

// parseParity reads the parity block. Like terraform and providers it is
// shared by every environment, so it sees project and functions only.
func (r *Root) parseParity(b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	c, diags := b.Body.Content(paritySchema)
	if diags.HasErrors() {
		return diags
	}
	p := &Parity{Range: b.DefRange}
	if a := c.Attributes["domain_vars"]; a != nil {
		vars, d := evalStringList(a, ctx)
		diags = append(diags, d...)
		p.DomainVars = vars
		if p.DomainVars == nil {
			p.DomainVars = []string{}
		}
	}
	if a := c.Attributes["domain_inputs"]; a != nil {
		ins, d := evalStringList(a, ctx)
		diags = append(diags, d...)
		for _, in := range ins {
			if !hclsyntax.ValidIdentifier(in) {
				diags = append(diags, attrError(a, "Invalid input name", fmt.Sprintf("%q is not an input name: give top-level inputs whose values are domains, like \"dns_zone_name\".", in)))
			}
		}
		p.DomainInputs = ins
	}
	for _, db := range c.Blocks {
		dc, d := db.Body.Content(differenceSchema)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		dd := DeclaredDifference{Range: db.DefRange}
		lists := []struct {
			name string
			dst  *[]string
		}{{"units", &dd.Units}, {"inputs", &dd.Inputs}, {"resources", &dd.Resources}, {"envs", &dd.Envs}}
		for _, l := range lists {
			if a := dc.Attributes[l.name]; a != nil {
				v, d := evalStringList(a, ctx)
				diags = append(diags, d...)
				*l.dst = v
			}
		}
		for _, u := range dd.Units {
			if err := glob.Valid(u); err != nil {
				diags = append(diags, attrError(dc.Attributes["units"], "Invalid unit pattern", fmt.Sprintf("%q: %v.", u, err)))
			}
		}
		for _, in := range dd.Inputs {
			if strings.TrimSpace(in) == "" || strings.HasPrefix(in, ".") || strings.HasPrefix(in, "[") {
				diags = append(diags, attrError(dc.Attributes["inputs"], "Invalid input pattern",
					fmt.Sprintf("%q must start with an input name, like \"desired_count\", \"tags.team\" or \"hostnames[*]\".", in)))
			}
		}
		if a := dc.Attributes["source"]; a != nil {
			v, d := evalExpr(a.Expr, ctx, scopeRootSettings)
			diags = append(diags, d...)
			if !d.HasErrors() {
				v, err := convert.Convert(v, cty.Bool)
				if err != nil || v.IsNull() || !v.IsKnown() {
					diags = append(diags, attrError(a, "Invalid source", "source must be true or false."))
				} else {
					dd.Source = v.True()
				}
			}
		}
		reason, d := evalString(dc.Attributes["reason"], ctx, scopeRootSettings)
		diags = append(diags, d...)
		if !d.HasErrors() && strings.TrimSpace(reason) == "" {
			diags = append(diags, attrError(dc.Attributes["reason"], "Empty reason", "Say why the environments differ here: the reason is shown next to every difference it covers."))
		}
		dd.Reason = reason
		if dd.WholeUnit() && len(dd.Units) == 0 && !diags.HasErrors() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Difference declares nothing specific",
				Detail:  "Name what may differ: units (every difference of those units), inputs, resources or source = true.",
				Subject: db.DefRange.Ptr()})
		}
		p.Differences = append(p.Differences, dd)
	}
	r.Parity = p
	return diags
}

// evalStringList evaluates a list of strings (a single string counts as
// a list of one).
func evalStringList(a *hcl.Attribute, ctx *hcl.EvalContext) ([]string, hcl.Diagnostics) {
	return evalStringListIn(a, ctx, scopeRootSettings)
}

// evalStringListIn is evalStringList where the expression may use what sc
// allows.
func evalStringListIn(a *hcl.Attribute, ctx *hcl.EvalContext, sc scope) ([]string, hcl.Diagnostics) {
	v, diags := evalExpr(a.Expr, ctx, sc)
	if diags.HasErrors() {
		return nil, diags
	}
	if v.Type() == cty.String {
		v = cty.TupleVal([]cty.Value{v})
	}
	lv, err := convert.Convert(v, cty.List(cty.String))
	if err != nil || lv.IsNull() || !lv.IsWhollyKnown() || IsSensitive(lv) {
		return nil, append(diags, attrError(a, "Invalid "+a.Name, a.Name+" must be a list of strings."))
	}
	var out []string
	for _, e := range lv.AsValueSlice() {
		if e.IsNull() {
			return nil, append(diags, attrError(a, "Invalid "+a.Name, a.Name+" must not contain null."))
		}
		out = append(out, e.AsString())
	}
	return out, diags
}

// OutputRef marks the unknown value SymbolicInputs puts where a
// dependency output is used, so that values computed from it can be
// compared by where they come from.
type OutputRef struct {
	Dependency string
	Output     string
}

func (r OutputRef) String() string { return "dependency." + r.Dependency + ".outputs." + r.Output }

// SymbolicInputs evaluates a unit's inputs without any state: every
// dependency output the inputs name is an unknown value marked with its
// OutputRef (next to Sensitive where that applies). A dependency whose
// outputs are used other than by a fixed name (the whole object, or an
// index computed at run time) is simply unknown.
func (s *Stack) SymbolicInputs(u *Unit) ([]Input, hcl.Diagnostics) {
	deps := map[string]DependencyOutputs{}
	for _, d := range u.Dependencies {
		deps[d.Name] = DependencyOutputs{Values: map[string]cty.Value{}, From: "symbolic outputs"}
	}
	var vars []hcl.Traversal
	for _, e := range u.inputExprs() {
		vars = append(vars, e.Variables()...)
	}
	for _, t := range vars {
		if t.RootName() != "dependency" {
			continue
		}
		name, ok := traverseName(t, 1)
		if !ok {
			continue
		}
		outs, declared := deps[name]
		if !declared || outs.Unknown {
			continue
		}
		out, ok := traverseName(t, 3)
		if attr, _ := traverseName(t, 2); !ok || attr != "outputs" {
			deps[name] = DependencyOutputs{Unknown: true, From: "symbolic outputs"}
			continue
		}
		outs.Values[out] = cty.DynamicVal.Mark(OutputRef{Dependency: name, Output: out})
	}
	return s.Inputs(u, deps)
}
