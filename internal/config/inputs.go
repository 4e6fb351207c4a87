package config

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/diag"
)

// MockOutputs returns a dependency's mock_outputs as DependencyOutputs, and
// false when the block declares none.
func MockOutputs(d *Dependency) (DependencyOutputs, bool) {
	if d.MockOutputs == cty.NilVal {
		return DependencyOutputs{}, false
	}
	return DependencyOutputs{Values: valueMap(d.MockOutputs), From: "mock_outputs"}, true
}

// Inputs evaluates a unit's inputs, merged by top-level key: unit.hcl over
// its included files (a later include over an earlier one) over env over
// root. deps holds the outputs of every dependency the unit declares,
// by dependency name.
func (s *Stack) Inputs(u *Unit, deps map[string]DependencyOutputs) ([]Input, hcl.Diagnostics) {
	l := s.loader
	var diags hcl.Diagnostics
	merged := map[string]*Input{}
	layer := func(layer Layer, include string, a *hcl.Attribute, ctx *hcl.EvalContext, sc scope) {
		if a == nil {
			return
		}
		vals, ranges, d := objectItems(a, ctx, sc)
		diags = append(diags, d...)
		for k, v := range vals {
			rng, ok := ranges[k]
			if !ok {
				rng = a.Range
			}
			in := &Input{Name: k, Value: v, Layer: layer, File: rng.Filename, Include: include, Range: rng}
			if prev, ok := merged[k]; ok {
				in.Overrides = append(prev.Overrides, prev.Layer)
			}
			merged[k] = in
		}
	}
	fileCtx := func(dir string, locals cty.Value) *hcl.EvalContext {
		ctx := l.fileContext(dir, true)
		ctx.Variables = u.newVars()
		ctx.Variables["local"] = locals
		return ctx
	}
	layer(LayerRoot, "", s.Root.inputs, fileCtx(s.Root.Dir, u.rootLocals), scopeRootInputs)
	layer(LayerEnv, "", s.Env.inputs, fileCtx(s.Env.Dir, s.Env.localVal), scopeRootInputs)
	var depObj cty.Value
	for _, ly := range u.layers {
		a, d := ly.inputsAttr()
		diags = append(diags, d...)
		if a == nil {
			continue
		}
		d = checkDependencyRefs(u, a.Expr, deps)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		if depObj == cty.NilVal {
			depObj = dependencyObject(u, deps)
		}
		ctx := ly.context(l, u, map[string]cty.Value{"dependency": depObj})
		if ly.inc != nil {
			layer(LayerInclude, ly.inc.Name, a, ctx, scopeIncludedInputs)
		} else {
			layer(LayerUnit, "", a, ctx, scopeUnitInputs)
		}
	}
	l.explain(diags, s.Env)
	if diags.HasErrors() {
		return nil, diags
	}
	out := make([]Input, 0, len(merged))
	for _, in := range merged {
		out = append(out, *in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, diags
}

func dependencyObject(u *Unit, deps map[string]DependencyOutputs) cty.Value {
	if len(u.Dependencies) == 0 {
		return cty.EmptyObjectVal
	}
	obj := map[string]cty.Value{}
	for _, d := range u.Dependencies {
		outs := cty.DynamicVal
		if o, ok := deps[d.Name]; ok && !o.Unknown {
			if len(o.Values) == 0 {
				outs = cty.EmptyObjectVal
			} else {
				outs = cty.ObjectVal(o.Values)
			}
		}
		obj[d.Name] = cty.ObjectVal(map[string]cty.Value{"outputs": outs})
	}
	return cty.ObjectVal(obj)
}

// checkDependencyRefs gives every dependency reference a precise message:
// which dependency or output is missing, and what exists instead.
func checkDependencyRefs(u *Unit, expr hcl.Expression, deps map[string]DependencyOutputs) hcl.Diagnostics {
	var diags hcl.Diagnostics
	declared := make([]string, len(u.Dependencies))
	for i, d := range u.Dependencies {
		declared[i] = d.Name
	}
	for _, t := range expr.Variables() {
		if t.RootName() != "dependency" {
			continue
		}
		rng := t.SourceRange().Ptr()
		name, ok := traverseName(t, 1)
		if !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dependency reference",
				Detail: "Refer to a dependency's output as dependency.<name>.outputs.<output>.", Subject: rng})
			continue
		}
		dep := u.Dependency(name)
		if dep == nil {
			detail := fmt.Sprintf("Unit %s has no dependency block named %q. ", u.Path, name)
			if len(declared) > 0 {
				detail += "Declared: " + strings.Join(declared, ", ") + didYouMean(name, declared)
			} else {
				detail += fmt.Sprintf("Declare one: dependency %q { path = \"../%s\" }.", name, name)
			}
			d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown dependency", Detail: detail, Subject: rng}
			if g := u.Dependency(closest(name, declared)); g != nil {
				diag.AddRelated(d, fmt.Sprintf("dependency %q is declared here", g.Name), g.Range)
			}
			diags = append(diags, d)
			continue
		}
		if attr, ok := traverseName(t, 2); !ok || attr != "outputs" {
			detail := fmt.Sprintf("Refer to an output of %q as dependency.%s.outputs.<output>", name, name)
			if ok {
				detail = fmt.Sprintf("A dependency has only `outputs`, not `%s`. ", attr) + detail
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dependency reference", Detail: detail + ".", Subject: rng})
			continue
		}
		outs, ok := deps[name]
		if !ok || outs.Unknown {
			continue
		}
		out, ok := traverseName(t, 3)
		if !ok {
			continue
		}
		if _, exists := outs.Values[out]; exists {
			continue
		}
		detail := fmt.Sprintf("Dependency %q (unit %s) has no output %q in %s. ", name, dep.Path, out, outs.From)
		if len(outs.Values) > 0 {
			names := slices.Sorted(maps.Keys(outs.Values))
			detail += "Its outputs: " + strings.Join(names, ", ") + didYouMean(out, names) + " "
		} else {
			detail += "It has no outputs. "
		}
		if outs.From == "mock_outputs" {
			detail += "Add it to mock_outputs, or apply " + dep.Path + " first."
		} else {
			detail += "If the module gained this output recently, apply " + dep.Path + " first."
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown dependency output", Detail: detail, Subject: rng})
	}
	return diags
}

// traverseName returns the attribute (or string index) name at step i.
func traverseName(t hcl.Traversal, i int) (string, bool) {
	if len(t) <= i {
		return "", false
	}
	switch s := t[i].(type) {
	case hcl.TraverseAttr:
		return s.Name, true
	case hcl.TraverseIndex:
		if s.Key.Type() == cty.String && s.Key.IsKnown() && !s.Key.IsNull() {
			return s.Key.AsString(), true
		}
	}
	return "", false
}
