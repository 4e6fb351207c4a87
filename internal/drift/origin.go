package drift

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
)

// Origin finds where the configured value of a resource instance's
// attribute is written, following single references through locals,
// for_each values and module arguments to the line that sets it, and
// collects the root module variables it is computed from. index is the
// instance key (tfjson's ResourceChange.Index) or nil.
func (m *Module) Origin(moduleAddr, typ, name string, index any, steps []any) *Origin {
	mf, r := m.resource(moduleAddr, typ, name)
	if r == nil {
		return nil
	}
	expr, rest := attributeExpr(r.body, steps)
	if expr == nil {
		return nil
	}
	t := &tracer{m: m, vars: map[string]bool{}}
	s := scope{key: moduleKey(moduleAddr), mf: mf, res: r, index: index}
	// Follow a lone reference to the line where the value is written, and
	// on into it by the rest of the path (tags = local.tags, tags.Name).
	for range 8 {
		next, ns, ok := t.follow(expr, s)
		if !ok || next == nil {
			break
		}
		expr, s = next, ns
		expr, rest = navigateRest(expr, rest)
	}
	_, isObject := expr.(*hclsyntax.ObjectConsExpr)
	if len(rest) == 0 || !isObject {
		// An object written here without the key (a tag added by hand) is
		// not computed from its other keys' variables: the key is to be
		// added on this line.
		t.trace(expr, s, 0)
	}
	o := &Origin{File: expr.Range().Filename, Line: expr.Range().Start.Line, Expression: snippet(s.mf, expr)}
	if s.key != "" {
		o.File = "module " + s.key + ": " + o.File
	}
	for v := range t.vars {
		o.Variables = append(o.Variables, v)
	}
	sort.Strings(o.Variables)
	return o
}

// attributeExpr finds the expression for steps in a resource body:
// attributes directly, nested blocks by their position
// (network_configuration[0].subnets), and keys of object constructors
// (tags.Name). It stops at the deepest expression it can point at.
func attributeExpr(body *hclsyntax.Body, steps []any) (hclsyntax.Expression, []any) {
	for i := 0; i < len(steps); i++ {
		name, ok := steps[i].(string)
		if !ok {
			return nil, nil
		}
		if a := body.Attributes[name]; a != nil {
			return navigateRest(a.Expr, steps[i+1:])
		}
		var blocks []*hclsyntax.Block
		for _, b := range body.Blocks {
			if b.Type == name {
				blocks = append(blocks, b)
			}
		}
		n := 0
		if i+1 < len(steps) {
			if k, ok := steps[i+1].(int); ok {
				n = k
				i++
			}
		}
		if n >= len(blocks) {
			return nil, nil
		}
		body = blocks[n].Body
	}
	return nil, nil
}

// navigate goes down object constructors by key as far as steps allow.
func navigate(e hclsyntax.Expression, steps []any) hclsyntax.Expression {
	e, _ = navigateRest(e, steps)
	return e
}

// navigateRest is navigate that also returns the steps it could not take.
func navigateRest(e hclsyntax.Expression, steps []any) (hclsyntax.Expression, []any) {
	for i, s := range steps {
		obj, ok := e.(*hclsyntax.ObjectConsExpr)
		if !ok {
			return e, steps[i:]
		}
		var found hclsyntax.Expression
		for _, it := range obj.Items {
			if v, diags := it.KeyExpr.Value(nil); !diags.HasErrors() && v.Type().FriendlyName() == "string" && v.AsString() == s {
				found = it.ValueExpr
				break
			}
		}
		if found == nil {
			return e, steps[i:]
		}
		e = found
	}
	return e, nil
}

type scope struct {
	key   string // module key
	mf    *moduleFiles
	res   *resourceBlock // for each.value
	index any
}

type tracer struct {
	m    *Module
	vars map[string]bool
}

// follow steps from an expression that is a single reference (local.x.y,
// each.value.k, a child module's var.x) to the expression it names.
func (t *tracer) follow(e hclsyntax.Expression, s scope) (hclsyntax.Expression, scope, bool) {
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return nil, s, false
	}
	return t.resolve(st.Traversal, s)
}

func (t *tracer) resolve(tr hcl.Traversal, s scope) (hclsyntax.Expression, scope, bool) {
	rest := attrSteps(tr)
	switch tr.RootName() {
	case "local":
		if len(rest) == 0 {
			return nil, s, false
		}
		a := s.mf.locals[rest[0].(string)]
		if a == nil {
			return nil, s, false
		}
		return navigate(a.Expr, rest[1:]), scope{key: s.key, mf: s.mf}, true
	case "each":
		if s.res == nil || len(rest) == 0 || rest[0] != "value" {
			return nil, s, false
		}
		fe := s.res.body.Attributes["for_each"]
		if fe == nil {
			return nil, s, false
		}
		e := fe.Expr
		// for_each = local.apps: look through the local first.
		if next, _, ok := t.follow(e, scope{key: s.key, mf: s.mf}); ok && next != nil {
			e = next
		}
		if k, ok := s.index.(string); ok {
			e = navigate(e, append([]any{k}, rest[1:]...))
		}
		return e, scope{key: s.key, mf: s.mf}, true
	case "var":
		if s.key == "" || len(rest) == 0 {
			return nil, s, false
		}
		// The module call's own name is the key's last part; a call of the
		// root module has no dot, and its parent key is "".
		i := strings.LastIndexByte(s.key, '.')
		parentKey, call := s.key[:max(i, 0)], s.key[i+1:]
		parent := t.m.mods[parentKey]
		if parent == nil || parent.calls[call] == nil {
			return nil, s, false
		}
		a := parent.calls[call].Attributes[rest[0].(string)]
		if a == nil {
			return nil, s, false
		}
		return navigate(a.Expr, rest[1:]), scope{key: parentKey, mf: parent}, true
	}
	return nil, s, false
}

// trace collects the root variables an expression reads, through locals,
// for_each values and module arguments.
func (t *tracer) trace(e hclsyntax.Expression, s scope, depth int) {
	if depth > 16 || e == nil {
		return
	}
	for _, tr := range e.Variables() {
		if tr.RootName() == "var" && s.key == "" {
			if rest := attrSteps(tr); len(rest) > 0 {
				t.vars[rest[0].(string)] = true
			}
			continue
		}
		if next, ns, ok := t.resolve(tr, s); ok {
			t.trace(next, ns, depth+1)
		}
	}
}

// attrSteps lists a traversal's steps after its root.
func attrSteps(tr hcl.Traversal) []any {
	var out []any
	for _, t := range tr[1:] {
		switch s := t.(type) {
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type().FriendlyName() == "string" {
				out = append(out, s.Key.AsString())
			}
		}
	}
	return out
}

// snippet is the expression's source text, on one line.
func snippet(mf *moduleFiles, e hclsyntax.Expression) string {
	r := e.Range()
	src := mf.src[r.Filename]
	if r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	text := string(src[r.Start.Byte:r.End.Byte])
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = strings.TrimSpace(text[:i]) + " …"
	}
	return text
}

// originFromPlan falls back on the plan's configuration section, which
// lists each expression's references: the root variables among them.
func originFromPlan(p *tfjson.Plan, rc *tfjson.ResourceChange, steps []any) *Origin {
	if p == nil || p.Config == nil || len(steps) == 0 || rc.ModuleAddress != "" {
		return nil
	}
	var exprs map[string]*tfjson.Expression
	for _, r := range p.Config.RootModule.Resources {
		if r.Address == rc.Type+"."+rc.Name {
			exprs = r.Expressions
		}
	}
	e := exprs[steps[0].(string)]
	if e != nil && e.ExpressionData != nil && len(e.NestedBlocks) > 0 && len(steps) >= 3 {
		i, ok1 := steps[1].(int)
		name, ok2 := steps[2].(string)
		if !ok1 || !ok2 || i >= len(e.NestedBlocks) {
			return nil
		}
		e = e.NestedBlocks[i][name]
	}
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	o := &Origin{}
	seen := map[string]bool{}
	for _, ref := range e.References {
		if v, ok := strings.CutPrefix(ref, "var."); ok && !seen[v] {
			seen[v] = true
			o.Variables = append(o.Variables, v)
		}
	}
	if len(o.Variables) == 0 {
		return nil
	}
	sort.Strings(o.Variables)
	return o
}
