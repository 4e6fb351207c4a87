package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/discover"
)

// OrderDependency is a unit that runs before this one (a path of the
// dependencies block) although its outputs are never read: an ordering
// edge only.
type OrderDependency struct {
	Path  string    // unit path within the environment
	Range hcl.Range // the path's element in paths
}

// Exclude is a unit's exclude block: the unit is left out of multi-unit
// runs (with Reason shown) when If holds, unless named with --unit.
type Exclude struct {
	If     bool
	Reason string
	// Actions are the commands it applies to ("plan", "apply", …); empty
	// means every command. Terragrunt's "all" is read as empty.
	Actions []string
	Range   hcl.Range // the block's header
}

var (
	dependenciesSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "paths", Required: true}}}
	excludeSchema      = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "if", Required: true}, {Name: "reason"}, {Name: "actions"}}}
)

// mergeRunFlags reads the dependencies and exclude blocks and
// prevent_destroy of every layer: order-only paths add up across the
// included files and the unit.hcl; exclude and prevent_destroy are taken
// from the last file that sets them.
func (l *Loader) mergeRunFlags(st *Stack, u *Unit) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	for _, ly := range u.layers {
		if !hasRunFlags(ly.content) {
			continue
		}
		ctx := ly.staticContext(l, u)
		sc := ly.staticScope()
		var depsBlock, excludeBlock *hcl.Block
		for _, b := range ly.content.Blocks {
			switch b.Type {
			case "dependencies":
				if depsBlock != nil {
					diags = append(diags, duplicateBlock(b, depsBlock))
					continue
				}
				depsBlock = b
				diags = append(diags, l.orderDependencies(st, u, b, ctx, sc, seen)...)
			case "exclude":
				if excludeBlock != nil {
					diags = append(diags, duplicateBlock(b, excludeBlock))
					continue
				}
				excludeBlock = b
				ex, d := evalExclude(b, ctx, sc)
				diags = append(diags, d...)
				if ex != nil {
					u.Exclude = ex
				}
			}
		}
		if a := ly.content.Attributes["prevent_destroy"]; a != nil {
			v, d := evalBool(a, ctx, sc)
			diags = append(diags, d...)
			u.PreventDestroy, u.PreventDestroyRange = v, a.Range
		}
	}
	return diags
}

func hasRunFlags(c *hcl.BodyContent) bool {
	if c.Attributes["prevent_destroy"] != nil {
		return true
	}
	for _, b := range c.Blocks {
		if b.Type == "dependencies" || b.Type == "exclude" {
			return true
		}
	}
	return false
}

func duplicateBlock(b, first *hcl.Block) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Duplicate %s block", b.Type),
		Detail: fmt.Sprintf("Only one %s block is allowed per file; the first is at %s.", b.Type, diag.At(first.DefRange)), Subject: b.DefRange.Ptr()}
}

func (l *Loader) orderDependencies(st *Stack, u *Unit, b *hcl.Block, ctx *hcl.EvalContext, sc scope, seen map[string]bool) hcl.Diagnostics {
	c, diags := b.Body.Content(dependenciesSchema)
	if diags.HasErrors() {
		return diags
	}
	a := c.Attributes["paths"]
	v, d := evalExpr(a.Expr, ctx, sc)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	if IsSensitive(v) || !v.IsWhollyKnown() || v.IsNull() || !(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
		return append(diags, attrError(a, "Invalid paths", "paths must be a list of unit folders, known when the configuration is read: paths = [\"../network\"]."))
	}
	// Ranges of the elements, when paths is written as a list.
	var elemRanges []hcl.Range
	if exprs, d := hcl.ExprList(a.Expr); !d.HasErrors() {
		for _, e := range exprs {
			elemRanges = append(elemRanges, e.Range())
		}
	}
	i := 0
	for it := v.ElementIterator(); it.Next(); i++ {
		_, e := it.Element()
		rng := a.Expr.Range()
		if i < len(elemRanges) {
			rng = elemRanges[i]
		}
		if e.Type() != cty.String || e.IsNull() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid paths",
				Detail: fmt.Sprintf("Each path must be a string, not %s.", friendly(e)), Subject: rng.Ptr()})
			continue
		}
		rel := e.AsString()
		p, d := l.unitPathOf(st, u, rel, rng, "dependencies")
		diags = append(diags, d...)
		if d.HasErrors() || seen[p] {
			continue
		}
		seen[p] = true
		u.OrderDependencies = append(u.OrderDependencies, OrderDependency{Path: p, Range: rng})
	}
	return diags
}

// unitPathOf resolves a path (relative to the unit's folder) to another
// unit of the environment.
func (l *Loader) unitPathOf(st *Stack, u *Unit, rel string, rng hcl.Range, what string) (string, hcl.Diagnostics) {
	target := absFrom(u.Dir, rel)
	envRel, err := filepath.Rel(st.Env.Dir, target)
	if err != nil || envRel == "." || envRel == ".." || strings.HasPrefix(envRel, ".."+string(filepath.Separator)) {
		return "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Dependency outside the environment",
			Detail:  fmt.Sprintf("%q resolves to %s; %s must name other units of environment %s.", rel, l.Display(target), what, st.Env.Name),
			Subject: rng.Ptr()}}
	}
	p := filepath.ToSlash(envRel)
	if st.Unit(p) == nil {
		return "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: fmt.Sprintf("Dependency on a missing unit %q", p),
			Detail:  fmt.Sprintf("%q points at %s, which has no %s. Units in %s: %s.", rel, l.Display(target), discover.UnitFile, st.Env.Name, strings.Join(st.UnitPaths(), ", ")),
			Subject: rng.Ptr()}}
	}
	if p == u.Path {
		return "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unit depends on itself",
			Detail: fmt.Sprintf("%q points at this unit.", rel), Subject: rng.Ptr()}}
	}
	return p, nil
}

func evalExclude(b *hcl.Block, ctx *hcl.EvalContext, sc scope) (*Exclude, hcl.Diagnostics) {
	c, diags := b.Body.Content(excludeSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	ex := &Exclude{Range: b.DefRange}
	var d hcl.Diagnostics
	ex.If, d = evalBool(c.Attributes["if"], ctx, sc)
	diags = append(diags, d...)
	if a := c.Attributes["reason"]; a != nil {
		ex.Reason, d = evalString(a, ctx, sc)
		diags = append(diags, d...)
	}
	if a := c.Attributes["actions"]; a != nil {
		v, d := evalExpr(a.Expr, ctx, sc)
		diags = append(diags, d...)
		if !d.HasErrors() {
			ok := v.IsWhollyKnown() && !v.IsNull() && (v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType())
			if ok {
				for it := v.ElementIterator(); it.Next(); {
					_, e := it.Element()
					if e.Type() != cty.String || e.IsNull() {
						ok = false
						break
					}
					if s := e.AsString(); s != "all" && !slices.Contains(ex.Actions, s) {
						ex.Actions = append(ex.Actions, s)
					}
				}
			}
			if !ok {
				diags = append(diags, attrError(a, "Invalid actions", "actions must be a list of command names, such as [\"plan\", \"apply\"], or [\"all\"]."))
			}
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return ex, diags
}

func evalBool(a *hcl.Attribute, ctx *hcl.EvalContext, sc scope) (bool, hcl.Diagnostics) {
	v, diags := evalExpr(a.Expr, ctx, sc)
	if diags.HasErrors() {
		return false, diags
	}
	v, _ = v.Unmark()
	if !v.IsKnown() {
		return false, hcl.Diagnostics{attrError(a, "Unknown value", fmt.Sprintf("%s must be known when the configuration is read.", a.Name))}
	}
	if v.IsNull() || v.Type() != cty.Bool {
		return false, hcl.Diagnostics{attrError(a, "Invalid value", fmt.Sprintf("%s must be true or false, not %s.", a.Name, friendly(v)))}
	}
	return v.True(), diags
}
