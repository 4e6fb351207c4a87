package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// scope names which top-level variables an expression may not use where it
// is written, and why: HCL's own "There is no variable named env" does not
// tell people what to do instead.
type scope map[string]string

const depOnlyInInputs = "dependency outputs can only be used in unit.hcl inputs: they are read when the unit runs, after its dependencies"

var (
	scopeRootSettings = scope{
		"env":        "project, live_dir, terraform and providers are shared by every environment, so env is not available there",
		"unit":       "project, live_dir, terraform and providers are shared by every unit, so unit is not available there",
		"local":      "the root file's locals are evaluated per unit and cannot be used in project, live_dir, terraform or providers",
		"dependency": depOnlyInInputs,
	}
	scopeEnvShared = scope{
		"unit":       "env.hcl's locals and vars are shared by every unit of the environment, so unit is not available there; use unit in inputs",
		"dependency": depOnlyInInputs,
	}
	scopeUnitStatic = scope{"dependency": depOnlyInInputs}
	scopeRootInputs = scope{"dependency": depOnlyInInputs}
	scopeUnitInputs = scope{}
)

func (s scope) check(expr hcl.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		why, denied := s[t.RootName()]
		if !denied {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("%s is not available here", t.RootName()),
			Detail:   why + ".",
			Subject:  t.SourceRange().Ptr(),
		})
	}
	return diags
}

func evalExpr(expr hcl.Expression, ctx *hcl.EvalContext, s scope) (cty.Value, hcl.Diagnostics) {
	if diags := s.check(expr); diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return expr.Value(ctx)
}

func evalString(a *hcl.Attribute, ctx *hcl.EvalContext, s scope) (string, hcl.Diagnostics) {
	v, diags := evalExpr(a.Expr, ctx, s)
	if diags.HasErrors() {
		return "", diags
	}
	if IsSensitive(v) {
		return "", hcl.Diagnostics{attrError(a, "Sensitive value not allowed", fmt.Sprintf("%s is used in paths, names and messages and must not be secret.", a.Name))}
	}
	if !v.IsKnown() {
		return "", hcl.Diagnostics{attrError(a, "Unknown value", fmt.Sprintf("%s must be known when the configuration is read.", a.Name))}
	}
	// No conversion: path = 5 or project = true is a mistake, not the
	// string "5" (a number made a dependency on a missing unit "b/5").
	if v.IsNull() {
		return "", hcl.Diagnostics{attrError(a, "Invalid value", fmt.Sprintf("%s must be a string, not null.", a.Name))}
	}
	if v.Type() != cty.String {
		return "", hcl.Diagnostics{attrError(a, "Invalid value", fmt.Sprintf("%s must be a string, not %s: write it in quotes.", a.Name, v.Type().FriendlyName()))}
	}
	return v.AsString(), diags
}

// evalLocals evaluates a file's locals in dependency order: a local may use
// other locals of the same file, as in Terraform. parent supplies every
// other variable; the result is the object bound to "local".
func evalLocals(attrs hcl.Attributes, parent *hcl.EvalContext, s scope) (cty.Value, hcl.Diagnostics) {
	if len(attrs) == 0 {
		return cty.EmptyObjectVal, nil
	}
	var diags hcl.Diagnostics
	done := map[string]cty.Value{}
	pending := map[string]*hcl.Attribute{}
	for name, a := range attrs {
		if d := s.check(a.Expr); d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		pending[name] = a
	}
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	ctx := parent.NewChild()
	for len(pending) > 0 {
		progressed := false
		for _, name := range slices.Sorted(maps.Keys(pending)) {
			a := pending[name]
			if !localsReady(a.Expr, done, attrs) {
				continue
			}
			ctx.Variables = map[string]cty.Value{"local": cty.ObjectVal(done)}
			v, d := a.Expr.Value(ctx)
			diags = append(diags, d...)
			if d.HasErrors() {
				v = cty.DynamicVal
			}
			done[name] = v
			delete(pending, name)
			progressed = true
		}
		if !progressed {
			names := slices.Sorted(maps.Keys(pending))
			first := pending[names[0]]
			return cty.DynamicVal, append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Locals refer to each other in a cycle",
				Detail:   fmt.Sprintf("These locals cannot be evaluated because each needs another: %s.", "local."+strings.Join(names, ", local.")),
				Subject:  first.NameRange.Ptr(),
			})
		}
	}
	return cty.ObjectVal(done), diags
}

// localsReady reports whether every local.X the expression uses is either
// evaluated or not a local at all (then evaluation reports it as unknown).
func localsReady(expr hcl.Expression, done map[string]cty.Value, all hcl.Attributes) bool {
	for _, t := range expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		if _, isLocal := all[attr.Name]; !isLocal {
			continue
		}
		if _, ok := done[attr.Name]; !ok {
			return false
		}
	}
	return true
}

// objectItems evaluates an inputs-style attribute to its top-level keys.
// ranges maps each key to the range of its item when the expression is an
// object constructor, so provenance points at the exact line.
func objectItems(a *hcl.Attribute, ctx *hcl.EvalContext, s scope) (map[string]cty.Value, map[string]hcl.Range, hcl.Diagnostics) {
	v, diags := evalExpr(a.Expr, ctx, s)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	if v.IsNull() {
		return nil, nil, diags
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return nil, nil, append(diags, attrError(a, "Invalid inputs", "inputs must be an object: inputs = { name = value }."))
	}
	if !v.IsKnown() {
		return nil, nil, append(diags, attrError(a, "Unknown inputs", "The set of input names must be known when the configuration is read."))
	}
	ranges := itemRanges(a)
	return valueMap(v), ranges, diags
}

// valueMap returns the elements of a known, non-null object or map. A mark
// on the whole value (sensitive({...})) moves to every element:
// cty.Value.AsValueMap panics on a marked value.
func valueMap(v cty.Value) map[string]cty.Value {
	v, marks := v.Unmark()
	out := make(map[string]cty.Value, v.LengthInt())
	for k, val := range v.AsValueMap() {
		out[k] = val.WithMarks(marks)
	}
	return out
}

func itemRanges(a *hcl.Attribute) map[string]hcl.Range {
	out := map[string]hcl.Range{}
	items, diags := hcl.ExprMap(a.Expr)
	if diags.HasErrors() {
		return out
	}
	for _, it := range items {
		k, d := it.Key.Value(nil)
		if d.HasErrors() || !k.IsKnown() || k.IsNull() || k.Type() != cty.String {
			continue
		}
		out[k.AsString()] = hcl.RangeBetween(it.Key.Range(), it.Value.Range())
	}
	return out
}
