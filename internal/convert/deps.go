package convert

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// unitPath works out, for every unit the file serves, where a path
// expression (relative to the unit) points, and returns it relative to the
// unit when that is the same for all of them and a unit of the same
// environment.
func (b *body) unitPath(e hclsyntax.Expression, what string) (string, bool) {
	out := ""
	for _, u := range b.t.units {
		v := b.c.ev.eval(b.t.f, e, u.file.path, u, b.t.f == u.file)
		return1, ok := b.pathFor(u, v, e, what)
		if !ok {
			return "", false
		}
		if out != "" && return1 != out {
			b.c.issue(e.Range(), what, fmt.Sprintf("points at %s for some units and %s for others; a shared definition's paths must be the same relative path for every unit", out, return1))
			return "", false
		}
		out = return1
	}
	return out, out != ""
}

func (b *body) pathFor(u *tgUnit, v cty.Value, e hclsyntax.Expression, what string) (string, bool) {
	s, ok := stringValue(v)
	if !ok {
		b.c.issue(e.Range(), what, "cannot be worked out without running Terragrunt")
		return "", false
	}
	target := absFrom(u.dir, s)
	tu := b.c.unitAt(target)
	switch {
	case tu == nil:
		b.c.issue(e.Range(), what, fmt.Sprintf("points at %s, which is not a unit of the tree", relSlash(b.c.dir, target)))
		return "", false
	case tu.env != u.env:
		b.c.issue(e.Range(), what, fmt.Sprintf("points at %s in environment %s: stackctl dependencies stay within one environment; pass the value as an input or read it with a data source", tu.path, tu.env.name))
		return "", false
	}
	return relSlash(u.dir, tu.dir), true
}

func (b *body) dependency(blk *hclsyntax.Block) {
	if b.kind() == outRoot {
		b.c.issue(blk.DefRange(), "dependency", "stackctl's dependency blocks belong to units or shared unit definitions, not stackctl.hcl")
		return
	}
	name, ok := b.label(blk)
	if !ok {
		return
	}
	cp := blk.Body.Attributes["config_path"]
	if cp == nil {
		b.c.issue(blk.DefRange(), `dependency "`+name+`"`, "it has no config_path")
		return
	}
	path, ok := b.unitPath(cp.Expr, `dependency "`+name+`" config_path`)
	if !ok {
		return
	}
	var w strings.Builder
	fmt.Fprintf(&w, "%sdependency %q {\npath = %q\n", b.t.f.comment(blk.TypeRange.Start.Byte), name, path)
	good := true
	for _, a := range sortedAttrs(blk.Body) {
		switch a.Name {
		case "config_path":
		case "mock_outputs":
			good = b.attr(&w, "mock_outputs", a) && good
		case "mock_outputs_allowed_terraform_commands":
			v := b.c.ev.eval(b.t.f, a.Expr, b.t.f.path, nil, false)
			if !v.IsWhollyKnown() || !v.CanIterateElements() || v.IsNull() {
				b.c.issue(a.SrcRange, a.Name, "cannot be worked out; stackctl uses mock outputs for validate and plan only, while the dependency has no state")
				continue
			}
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type() == cty.String && e.AsString() == "apply" {
					b.c.issue(a.SrcRange, a.Name, "allows apply on mock outputs; stackctl never applies on mock outputs (validate and plan only, while the dependency has no state)")
				}
			}
		case "mock_outputs_merge_with_state", "mock_outputs_merge_strategy_with_state":
			b.c.issue(a.SrcRange, a.Name, "stackctl uses mock outputs only while the dependency has no state, never merged with it")
		case "skip_outputs":
			b.c.issue(a.SrcRange, a.Name, "stackctl always reads a dependency's outputs (from its state, without running terraform)")
		default:
			b.c.issue(a.SrcRange, a.Name, "Terragrunt's dependency "+a.Name+" has no stackctl form")
		}
	}
	if !good {
		return
	}
	w.WriteString("}\n")
	blankBefore(&b.depsOut)
	b.depsOut.WriteString(w.String())
	b.deps[name] = true
}

func (b *body) dependencies(blk *hclsyntax.Block) {
	if b.kind() == outRoot {
		b.c.issue(blk.DefRange(), "dependencies", "stackctl's dependencies belong to units or shared unit definitions, not stackctl.hcl")
		return
	}
	pa := blk.Body.Attributes["paths"]
	if pa == nil {
		return
	}
	var paths []string
	for _, u := range b.t.units {
		v := b.c.ev.eval(b.t.f, pa.Expr, u.file.path, u, b.t.f == u.file)
		if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
			b.c.issue(pa.SrcRange, "dependencies paths", "cannot be worked out without running Terragrunt")
			return
		}
		var these []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			p, ok := b.pathFor(u, e, pa.Expr, "dependencies paths")
			if ok {
				these = append(these, p)
			}
		}
		if paths != nil && !slices.Equal(paths, these) {
			b.c.issue(pa.SrcRange, "dependencies paths", "point at different relative paths for different units")
			return
		}
		paths = these
	}
	if len(paths) == 0 {
		return
	}
	var quoted []string
	for _, p := range paths {
		quoted = append(quoted, strconv.Quote(p))
	}
	blankBefore(&b.depsOut)
	fmt.Fprintf(&b.depsOut, "dependencies {\npaths = [%s]\n}\n", strings.Join(quoted, ", "))
}
