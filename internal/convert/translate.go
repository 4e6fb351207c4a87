package convert

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// outKind is the stackctl file an expression is written into; it decides
// what the expression may refer to there.
type outKind int

const (
	outRoot   outKind = iota // stackctl.hcl
	outShared                // infra/units/<name>.hcl
	outUnit                  // unit.hcl
	outVars                  // env.hcl vars: only literals, functions and get_env
)

// translator rewrites Terragrunt expressions of one file as stackctl
// expressions. It splices: the expression's own text is kept and only the
// parts that mean something else in stackctl are replaced, so comments,
// heredocs and layout inside the expression survive.
type translator struct {
	c     *converter
	f     *tgFile
	kind  outKind
	units []*tgUnit           // the units the output file serves
	incs  map[string]*include // a unit's includes, by label (outUnit)
	// inline replaces local.X with X's expression: a root local read
	// through include.root.locals, or a hierarchy file's local.
	inline bool
	// deps are the dependency names converted for the output file; nil
	// when the file has none to check.
	deps  map[string]bool
	depth int
	// quiet tries a translation without recording issues.
	quiet bool
}

// repl replaces src[start:end]; tmpl, when set, is the replacement as
// template text, used when the replaced expression is a whole ${...}.
type repl struct {
	node       hclsyntax.Expression
	start, end int
	text, tmpl string
	bad        bool // not translatable: the issue is recorded
}

func (t *translator) with(f *tgFile, inline bool) *translator {
	c := *t
	// deps stay those of the output file: what is inlined from another
	// file is written into it, where its dependency references must hold.
	c.f, c.inline, c.depth = f, inline, t.depth+1
	return &c
}

// expr translates e; false means something in it has no stackctl form,
// and that is recorded as an issue.
func (t *translator) expr(e hclsyntax.Expression) (string, bool) {
	if t.depth > 20 { // a cycle of locals: Terragrunt refuses it too
		t.note(e.Range(), "expression", "its locals refer to each other in a cycle")
		return "", false
	}
	var ms []repl
	interp := map[hclsyntax.Expression][2]int{}
	covered := -1
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.TemplateExpr:
			for _, p := range n.Parts {
				if r, ok := t.interpRange(p); ok {
					interp[p] = r
				}
			}
		case *hclsyntax.TemplateWrapExpr:
			if r, ok := t.interpRange(n.Wrapped); ok {
				interp[n.Wrapped] = r
			}
		}
		x, ok := n.(hclsyntax.Expression)
		if !ok || x.Range().Start.Byte < covered {
			return nil // inside a part already replaced (VisitAll is pre-order)
		}
		if m, ok := t.rule(x); ok {
			ms = append(ms, m)
			covered = m.end
		}
		return nil
	})
	ok := true
	for _, m := range ms {
		ok = ok && !m.bad
	}
	if !ok {
		return "", false
	}
	r := e.Range()
	for i := range ms {
		if ir, ok := interp[ms[i].node]; ok && ms[i].tmpl != "" {
			ms[i].start, ms[i].end, ms[i].text = ir[0], ir[1], ms[i].tmpl
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
	var b strings.Builder
	at := r.Start.Byte
	for _, m := range ms {
		b.Write(t.f.src[at:m.start])
		b.WriteString(m.text)
		at = m.end
	}
	b.Write(t.f.src[at:r.End.Byte])
	return b.String(), true
}

// interpRange finds the ${ ... } around a template part.
func (t *translator) interpRange(p hclsyntax.Expression) ([2]int, bool) {
	src := t.f.src
	i := p.Range().Start.Byte - 1
	for i >= 0 && strings.ContainsRune(" \t\r\n~", rune(src[i])) {
		i--
	}
	if i < 1 || src[i] != '{' || src[i-1] != '$' {
		return [2]int{}, false
	}
	j := p.Range().End.Byte
	for j < len(src) && strings.ContainsRune(" \t\r\n~", rune(src[j])) {
		j++
	}
	if j >= len(src) || src[j] != '}' {
		return [2]int{}, false
	}
	return [2]int{i - 1, j + 1}, true
}

// rule says whether x is replaced, and by what.
func (t *translator) rule(x hclsyntax.Expression) (repl, bool) {
	r := x.Range()
	m := repl{node: x, start: r.Start.Byte, end: r.End.Byte}
	switch n := x.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return t.traversal(n, m)
	case *hclsyntax.RelativeTraversalExpr:
		if call, ok := n.Source.(*hclsyntax.FunctionCallExpr); ok && call.Name == "read_terragrunt_config" {
			return t.configUse(call, n.Traversal, n, m)
		}
	case *hclsyntax.FunctionCallExpr:
		return t.call(n, m)
	}
	return m, false
}

func (t *translator) fail(m repl, rng hcl.Range, construct, reason string) (repl, bool) {
	t.note(rng, construct, reason)
	m.bad = true
	return m, true
}

func stepName(tr hcl.Traversal, i int) (string, bool) {
	if i >= len(tr) {
		return "", false
	}
	switch s := tr[i].(type) {
	case hcl.TraverseAttr:
		return s.Name, true
	case hcl.TraverseRoot:
		return s.Name, true
	}
	return "", false
}

// rest is the source text of the traversal's steps from i on.
func (t *translator) rest(tr hcl.Traversal, i int, end int) string {
	if i >= len(tr) {
		return ""
	}
	return string(t.f.src[tr[i].SourceRange().Start.Byte:end])
}

func (t *translator) traversal(n *hclsyntax.ScopeTraversalExpr, m repl) (repl, bool) {
	tr := n.Traversal
	end := n.Range().End.Byte
	switch tr.RootName() {
	case "local":
		name, _ := stepName(tr, 1)
		a := t.f.locals[name]
		if a == nil {
			return m, false
		}
		if call := configCall(a.Expr); call != nil {
			return t.configUse(call, tr[2:], n, m)
		}
		if t.inline {
			text, ok := t.with(t.f, true).expr(a.Expr)
			if !ok {
				m.bad = true
				return m, true
			}
			m.text = paren(text) + t.rest(tr, 2, end)
			m.tmpl = templateText(text, len(tr) == 2)
			return m, true
		}
		if !t.c.kept(t.f, name) {
			return t.fail(m, n.Range(), "local."+name, "uses local."+name+", which was not converted")
		}
	case "include":
		label, _ := stepName(tr, 1)
		inc := t.incs[label]
		if inc == nil {
			return m, false
		}
		field, _ := stepName(tr, 2)
		if field != "locals" {
			return t.fail(m, n.Range(), "include."+label+"."+field,
				"a unit.hcl reads an included file's locals only (include.<name>.locals): use the value itself")
		}
		key, _ := stepName(tr, 3)
		la := inc.file.locals[key]
		if la == nil {
			return m, false
		}
		sub := t.with(inc.file, inc.shared == nil)
		if call := configCall(la.Expr); call != nil {
			return sub.configUseAt(call, tr[4:], end, t, m)
		}
		if inc.shared == nil { // the root's locals are not visible in unit.hcl: inline them
			text, ok := sub.expr(la.Expr)
			if !ok {
				m.bad = true
				return m, true
			}
			m.text = paren(text) + t.rest(tr, 4, end)
			m.tmpl = templateText(text, len(tr) == 4)
			return m, true
		}
		if !t.c.kept(inc.file, key) {
			return t.fail(m, n.Range(), "include."+label+".locals."+key, "uses local "+key+" of "+inc.file.rel+", which was not converted")
		}
	case "dependency":
		name, _ := stepName(tr, 1)
		if t.deps != nil && !t.deps[name] {
			return t.fail(m, n.Range(), "dependency."+name, "its dependency block was not converted")
		}
	case "feature":
		return t.fail(m, n.Range(), "feature", "Terragrunt feature flags have no stackctl form")
	case "values":
		return t.fail(m, n.Range(), "values", "stack values belong to Terragrunt stacks, which are not converted")
	}
	return m, false
}

func (t *translator) note(rng hcl.Range, construct, reason string) {
	if !t.quiet {
		t.c.issue(rng, construct, reason)
	}
}

// configUse translates a reference into a file read with
// read_terragrunt_config: its locals are env vars.
func (t *translator) configUse(call *hclsyntax.FunctionCallExpr, steps hcl.Traversal, n hclsyntax.Expression, m repl) (repl, bool) {
	return t.configUseAt(call, steps, n.Range().End.Byte, t, m)
}

// configUseAt is configUse where the call is in t.f but the traversal's
// text is in out.f (a unit reading an included file's local).
func (t *translator) configUseAt(call *hclsyntax.FunctionCallExpr, steps hcl.Traversal, end int, out *translator, m repl) (repl, bool) {
	rng := hcl.Range{Filename: out.f.path, Start: posAt(out.f, m.start), End: posAt(out.f, m.end)}
	site := callSite{t.f.path, call.Range().Start.Byte}
	stem, ok := t.c.stemAt[site]
	if !ok || t.c.stemBad[site] {
		return out.fail(m, rng, "read_terragrunt_config", "reads a different file for different units, or a file that cannot be found without running Terragrunt")
	}
	if t.kind == outVars {
		return out.fail(m, rng, "read_terragrunt_config", "a file read by an env file: its locals would be env vars reading env vars, which stackctl does not allow")
	}
	field, _ := stepName(steps, 0)
	if field != "locals" {
		return out.fail(m, rng, "read_terragrunt_config(...)", "only the locals of a file read with read_terragrunt_config become env vars")
	}
	if len(steps) == 1 {
		text, ok := t.c.vars.whole([]string{stem})
		if !ok {
			return out.fail(m, rng, stem+" locals", "the whole set of locals differs between environments in a way env vars cannot express")
		}
		m.text = text
		return m, true
	}
	key, _ := stepName(steps, 1)
	v, ok := t.c.vars.name[stemKey{stem, key}]
	if !ok {
		return out.fail(m, rng, stem+".locals."+key, fmt.Sprintf("no %s file read here defines local %s", stem, key))
	}
	m.text = "env." + v + out.rest(steps, 2, end)
	return m, true
}

// configCall returns e as a read_terragrunt_config call.
func configCall(e hclsyntax.Expression) *hclsyntax.FunctionCallExpr {
	if call, ok := e.(*hclsyntax.FunctionCallExpr); ok && call.Name == "read_terragrunt_config" {
		return call
	}
	return nil
}

// wholeStem reports whether e is a whole locals object of a file read
// with read_terragrunt_config (local.account_vars.locals).
func (t *translator) wholeStem(e hclsyntax.Expression) (string, bool) {
	var call *hclsyntax.FunctionCallExpr
	var steps hcl.Traversal
	switch n := e.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		name, _ := stepName(n.Traversal, 1)
		if n.Traversal.RootName() != "local" || t.f.locals[name] == nil {
			return "", false
		}
		call, steps = configCall(t.f.locals[name].Expr), n.Traversal[2:]
	case *hclsyntax.RelativeTraversalExpr:
		call, _ = n.Source.(*hclsyntax.FunctionCallExpr)
		steps = n.Traversal
	}
	if call == nil || call.Name != "read_terragrunt_config" || len(steps) != 1 {
		return "", false
	}
	if f, _ := stepName(steps, 0); f != "locals" {
		return "", false
	}
	site := callSite{t.f.path, call.Range().Start.Byte}
	stem, ok := t.c.stemAt[site]
	return stem, ok && !t.c.stemBad[site]
}

func paren(text string) string {
	e, diags := hclsyntax.ParseExpression([]byte(text), "", hcl.InitialPos)
	if diags.HasErrors() {
		return "(" + text + ")"
	}
	switch e.(type) {
	case *hclsyntax.ScopeTraversalExpr, *hclsyntax.LiteralValueExpr, *hclsyntax.TemplateExpr, *hclsyntax.FunctionCallExpr,
		*hclsyntax.ObjectConsExpr, *hclsyntax.TupleConsExpr, *hclsyntax.ParenthesesExpr, *hclsyntax.TemplateWrapExpr:
		return text
	}
	return "(" + text + ")"
}

// templateText is a quoted template's content, to splice into an
// enclosing template in place of ${...}.
func templateText(text string, whole bool) string {
	if !whole || !strings.HasPrefix(text, `"`) {
		return ""
	}
	e, diags := hclsyntax.ParseExpression([]byte(text), "", hcl.InitialPos)
	if _, ok := e.(*hclsyntax.TemplateExpr); !ok || diags.HasErrors() || e.Range().End.Byte != len(text) {
		return ""
	}
	return text[1 : len(text)-1]
}

// posAt is the position of byte offset at in f.
func posAt(f *tgFile, at int) hcl.Pos {
	line, col := 1, 1
	for _, b := range f.src[:at] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return hcl.Pos{Line: line, Column: col, Byte: at}
}
