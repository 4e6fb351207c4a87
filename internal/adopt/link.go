package adopt

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Referable is a resource instance the unit already manages (in its state
// and with a resource block in its root module), with the values other
// resources name it by.
type Referable struct {
	Type, Name string
	// Key is the instance key: cty.NilVal for none, a string (for_each)
	// or a number (count).
	Key cty.Value
	// Values are its id, arn and name, where the state has them (and they
	// are not sensitive).
	Values map[string]string
}

// Reference is how configuration refers to the instance's attribute:
// aws_ecs_service.app["web"].name.
func (m Referable) Reference(attr string) hcl.Traversal {
	t := hcl.Traversal{hcl.TraverseRoot{Name: m.Type}, hcl.TraverseAttr{Name: m.Name}}
	if m.Key != cty.NilVal {
		t = append(t, hcl.TraverseIndex{Key: m.Key})
	}
	return append(t, hcl.TraverseAttr{Name: attr})
}

// Attributes that are the generated resource's own identity: a value
// there names the resource itself, never another one.
var ownIdentity = map[string]bool{"name": true, "name_prefix": true, "id": true, "arn": true, "description": true}

// link replaces each literal in attr's value that is another managed
// resource's id, arn or name with a reference to it: the value itself, an
// element of a list, or a value in a list of objects (egress = [{
// security_groups = ["sg-…"] }]), where the object's key is the
// attribute it is matched by. Terraform generates literals only, so
// without the reference it has no edge between the two: a destroy
// deletes both at once, and an IAM user is refused (DeleteConflict) while
// the adopted attachment is still on it. The reference gives the order
// (attachment first) and keeps the value identical, so the import plan
// does not change. A value with anything but literals in it (a
// reference, a function call) was written by a person and is left as
// it is. Only the literals are rewritten, so the rest keeps its layout.
// It returns the references written, by their path from attr.
func link(body *hclwrite.Body, attr string, referable []Referable, skip func(Referable) bool) []linked {
	a := body.GetAttribute(attr)
	if len(referable) == 0 || a == nil {
		return nil
	}
	src := a.Expr().BuildTokens(nil).Bytes()
	expr, diags := hclsyntax.ParseExpression(src, "", hcl.InitialPos)
	if diags.HasErrors() || !data(expr) {
		return nil
	}
	type edit struct {
		start, end int
		text       []byte
	}
	var edits []edit
	var out []linked
	var walk func(e hclsyntax.Expression, path, key string)
	walk = func(e hclsyntax.Expression, path, key string) {
		switch e := e.(type) {
		case *hclsyntax.TemplateExpr:
			value, ok := literal(e)
			if !ok || ownIdentity[key] || src[e.Range().Start.Byte] != '"' { // a heredoc is never an id
				return
			}
			ref := find(key, value, referable, skip)
			if ref == nil {
				return
			}
			text := hclwrite.TokensForTraversal(ref.Reference(ref.to)).Bytes()
			edits = append(edits, edit{e.Range().Start.Byte, e.Range().End.Byte, text})
			out = append(out, linked{Path: path, Ref: string(text), To: ref.Referable})
		case *hclsyntax.TupleConsExpr:
			for i, x := range e.Exprs {
				p := path
				if _, ok := x.(*hclsyntax.ObjectConsExpr); ok {
					p = fmt.Sprintf("%s[%d]", path, i)
				}
				walk(x, p, key)
			}
		case *hclsyntax.ObjectConsExpr:
			for _, item := range e.Items {
				if k, ok := keyName(item.KeyExpr); ok {
					walk(item.ValueExpr, path+"."+k, k)
				}
			}
		}
	}
	walk(expr, attr, attr)
	if len(edits) == 0 {
		return nil
	}
	var b bytes.Buffer
	at := 0
	for _, e := range edits { // in source order: the walk is
		b.Write(src[at:e.start])
		b.Write(e.text)
		at = e.end
	}
	b.Write(src[at:])
	f, diags := hclwrite.ParseConfig(append([]byte("v ="), append(b.Bytes(), '\n')...), "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil // cannot happen: a literal became a reference
	}
	body.SetAttributeRaw(attr, f.Body().GetAttribute("v").Expr().BuildTokens(nil))
	return out
}

// linked is one reference link wrote: at Path (network_configuration.subnets,
// egress[0].security_groups), Ref, to the resource To.
type linked struct {
	Path, Ref string
	To        Referable
}

// data: e is literals only (strings, numbers, bools, null), in lists and
// objects with literal keys: what terraform generates.
func data(e hclsyntax.Expression) bool {
	switch e := e.(type) {
	case *hclsyntax.TemplateExpr:
		_, ok := literal(e)
		return ok
	case *hclsyntax.LiteralValueExpr:
		return true
	case *hclsyntax.UnaryOpExpr: // -1, an ICMP rule's port
		_, ok := e.Val.(*hclsyntax.LiteralValueExpr)
		return ok && e.Op == hclsyntax.OpNegate
	case *hclsyntax.TupleConsExpr:
		for _, x := range e.Exprs {
			if !data(x) {
				return false
			}
		}
		return true
	case *hclsyntax.ObjectConsExpr:
		for _, item := range e.Items {
			if _, ok := keyName(item.KeyExpr); !ok || !data(item.ValueExpr) {
				return false
			}
		}
		return true
	}
	return false
}

// keyName is an object key written as a name or a quoted string.
func keyName(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" {
			return name, true
		}
		e = k.Wrapped
	}
	if t, ok := e.(*hclsyntax.TemplateExpr); ok {
		return literal(t)
	}
	return "", false
}

// linkBlocks links the attributes of body's nested blocks
// (network_configuration { subnets = [...] }), with their paths from the
// resource.
func linkBlocks(body *hclwrite.Body, path string, referable []Referable, skip func(Referable) bool) []linked {
	var out []linked
	for _, b := range body.Blocks() {
		at := path + b.Type()
		for _, attr := range sortedKeys(b.Body().Attributes()) {
			for _, l := range link(b.Body(), attr, referable, skip) {
				l.Path = at + "." + l.Path
				out = append(out, l)
			}
		}
		out = append(out, linkBlocks(b.Body(), at+".", referable, skip)...)
	}
	return out
}

// match is the resource a literal names, and the attribute it is.
type match struct {
	Referable
	to string
}

// find is the one resource whose id, arn or name value is; nil when none
// is, when two are (which one is meant is the user's call, so the literal
// stays), or when skip rules it out.
func find(attr, value string, referable []Referable, skip func(Referable) bool) *match {
	if value == "" {
		return nil
	}
	var found *match
	for _, r := range referable {
		k := refers(attr, value, r)
		if k == "" {
			continue
		}
		if found != nil {
			return nil
		}
		found = &match{r, k}
	}
	if found == nil || (skip != nil && skip(found.Referable)) {
		return nil
	}
	return found
}

// refers is the attribute of m that value names, "" when none. An ARN, or
// an id that differs from the name (vpc-…, sg-…), names one object; a
// name (or an id that is the name, as an IAM user's) is only taken when
// the attribute is named after m's type (user for aws_iam_user,
// log_group_name for aws_cloudwatch_log_group), since short names recur.
func refers(attr, value string, m Referable) string {
	order := []string{"name", "id", "arn"}
	one := strings.TrimSuffix(attr, "s") // a list's attribute: subnet_ids, policy_arns
	switch {
	case strings.HasSuffix(one, "arn"):
		order = []string{"arn", "id", "name"}
	case strings.HasSuffix(one, "id"):
		order = []string{"id", "arn", "name"}
	}
	for _, k := range order {
		if m.Values[k] != value {
			continue
		}
		if k == "arn" || (k == "id" && m.Values["name"] != value) || namedAfter(attr, m.Type) {
			return k
		}
	}
	return ""
}

// namedAfter: attr, without a _name suffix and in the singular (a list's
// roles, users), is the end of the type's name at an underscore.
func namedAfter(attr, typ string) bool {
	for _, noun := range []string{attr, strings.TrimSuffix(attr, "s")} {
		noun = strings.TrimSuffix(noun, "_name")
		if noun != "" && strings.HasSuffix(typ, "_"+noun) {
			return true
		}
	}
	return false
}

// literal is the string expr is, when it is a plain quoted string (no
// template, no reference).
func literal(expr hclsyntax.Expression) (string, bool) {
	t, ok := expr.(*hclsyntax.TemplateExpr)
	if !ok || !t.IsStringLiteral() {
		return "", false
	}
	v, diags := t.Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() {
		return "", false
	}
	return v.AsString(), true
}

// linkGraph keeps the references link wrote between the file's own
// resources (adopted in the same run, so their values came from the
// import plan): one that would close a cycle is not written, since
// terraform refuses a cycle and the literal orders nothing but is valid.
type linkGraph struct {
	inFile map[string]bool
	edges  map[string][]string
}

func newLinkGraph(body *hclwrite.Body) *linkGraph {
	g := &linkGraph{inFile: map[string]bool{}, edges: map[string][]string{}}
	for _, b := range body.Blocks() {
		if b.Type() == "resource" && len(b.Labels()) == 2 {
			g.inFile[b.Labels()[0]+"."+b.Labels()[1]] = true
		}
	}
	return g
}

// skip rules out, for a literal in from, the resource from is (a
// reference to itself is an error) and those that refer to it already.
func (g *linkGraph) skip(from string) func(Referable) bool {
	return func(r Referable) bool {
		to := r.Type + "." + r.Name
		return to == from || (g.inFile[to] && g.reaches(to, from))
	}
}

func (g *linkGraph) reaches(from, to string) bool {
	seen := map[string]bool{}
	next := []string{from}
	for len(next) > 0 {
		n := next[len(next)-1]
		next = next[:len(next)-1]
		if n == to {
			return true
		}
		if !seen[n] {
			seen[n] = true
			next = append(next, g.edges[n]...)
		}
	}
	return false
}

// fixed is what one attribute's references say: its path, and the
// references written there, in order.
type fixed struct{ path, refs string }

// add records from's links and returns them by path.
func (g *linkGraph) add(from string, links []linked) []fixed {
	var out []fixed
	for _, l := range links {
		if to := l.To.Type + "." + l.To.Name; g.inFile[to] {
			g.edges[from] = append(g.edges[from], to)
		}
		if n := len(out); n > 0 && out[n-1].path == l.Path {
			out[n-1].refs += ", " + l.Ref
			continue
		}
		out = append(out, fixed{l.Path, l.Ref})
	}
	return out
}
