package adopt

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
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

// targets are what link may refer to: the resources, those skip does
// not rule out (self, cycles), and the unit's inputs by variable name.
type targets struct {
	refs   []Referable
	skip   func(Referable) bool
	inputs map[string]cty.Value
}

// anyResource: one of list's literals names a resource, which wins over
// an input carrying the whole list.
func (t targets) anyResource(key string, list *hclsyntax.TupleConsExpr) bool {
	for _, x := range list.Exprs {
		if tmpl, ok := x.(*hclsyntax.TemplateExpr); ok {
			if v, ok := literal(tmpl); ok && find(key, v, t.refs, t.skip) != nil {
				return true
			}
		}
	}
	return false
}

// link replaces each literal in attr's value that is another managed
// resource's id, arn or name with a reference to it: the value itself, an
// element of a list, or a value in a list of objects (egress = [{
// security_groups = ["sg-…"] }]), where the object's key is the
// attribute it is matched by. Terraform generates literals only, so
// without the reference it has no edge between the two: a destroy
// deletes both at once, and an IAM user is refused (DeleteConflict) while
// the adopted attachment is still on it. The reference gives the order
// (attachment first) and keeps the value identical, so the import plan
// does not change. A literal (or a whole list) that no resource carries
// but one of the unit's inputs does becomes var.NAME (matchInput): the
// value of another unit, passed in from a dependency, stays in step with
// it. A value with anything but literals in it (a reference, a function
// call) was written by a person and is left as it is. Only the literals
// are rewritten, so the rest keeps its layout. It returns the references
// written, by their path from attr.
func link(body *hclwrite.Body, attr string, t targets) []linked {
	a := body.GetAttribute(attr)
	if (len(t.refs) == 0 && len(t.inputs) == 0) || a == nil {
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
	write := func(e hclsyntax.Expression, path string, ref hcl.Traversal, why string, to Referable) {
		text := hclwrite.TokensForTraversal(ref).Bytes()
		edits = append(edits, edit{e.Range().Start.Byte, e.Range().End.Byte, text})
		out = append(out, linked{Path: path, Ref: string(text), Why: why, To: to})
	}
	// whole: e is the key's value itself, not an element of its list.
	var walk func(e hclsyntax.Expression, path, key string, whole bool)
	walk = func(e hclsyntax.Expression, path, key string, whole bool) {
		if ownIdentity[key] {
			return
		}
		switch e := e.(type) {
		case *hclsyntax.TemplateExpr:
			value, ok := literal(e)
			if !ok || src[e.Range().Start.Byte] != '"' { // a heredoc is never an id
				return
			}
			if ref := find(key, value, t.refs, t.skip); ref != nil {
				write(e, path, ref.Reference(ref.to), resourceWhy, ref.Referable)
			} else if name := matchInput(key, cty.StringVal(value), whole, t.inputs); name != "" {
				write(e, path, inputRef(name), inputWhy(name), Referable{})
			}
		case *hclsyntax.TupleConsExpr:
			if v, diags := e.Value(nil); whole && !diags.HasErrors() && !t.anyResource(key, e) {
				if name := matchInput(key, v, true, t.inputs); name != "" {
					write(e, path, inputRef(name), inputWhy(name), Referable{})
					return
				}
			}
			for i, x := range e.Exprs {
				p := path
				if _, ok := x.(*hclsyntax.ObjectConsExpr); ok {
					p = fmt.Sprintf("%s[%d]", path, i)
				}
				walk(x, p, key, false)
			}
		case *hclsyntax.ObjectConsExpr:
			for _, item := range e.Items {
				if k, ok := keyName(item.KeyExpr); ok {
					walk(item.ValueExpr, path+"."+k, k, true)
				}
			}
		}
	}
	walk(expr, attr, attr, true)
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
// egress[0].security_groups), Ref, to the resource To (zero for an
// input), and Why.
type linked struct {
	Path, Ref, Why string
	To             Referable
}

const resourceWhy = "the value is that resource's, and the reference orders the two"

func inputWhy(name string) string {
	return "the value is the unit's input " + name + ", and the reference keeps the two in step"
}

func inputRef(name string) hcl.Traversal {
	return hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: name}}
}

// awsID is the shape of an EC2-style id (vpc-…, subnet-…, sg-…,
// tgw-attach-…): unlike a name, it does not recur by chance.
var awsID = regexp.MustCompile(`^[a-z]+(-[a-z]+)*-[0-9a-f]{8,17}$`)

// matchInput is the one input whose value v is, "" when none is or two
// are. A string or a list of strings only, and only where the match is
// not chance: each string an ARN or an EC2-style id, or the input named
// as the attribute is (whole, not an element of its list).
func matchInput(key string, v cty.Value, whole bool, inputs map[string]cty.Value) string {
	want, list, ok := texts(v)
	if !ok || len(want) == 0 || (!distinct(want) && !whole) {
		return ""
	}
	found := ""
	for _, name := range sortedKeys(inputs) {
		got, isList, ok := texts(inputs[name])
		if !ok || isList != list || !slices.Equal(got, want) || (!distinct(want) && name != key) {
			continue
		}
		if found != "" {
			return ""
		}
		found = name
	}
	return found
}

// texts are v's strings: v itself, or the elements of a list, tuple or
// set of strings (list true); ok false for anything else, or a value not
// wholly known.
func texts(v cty.Value) (out []string, list, ok bool) {
	if !v.IsWhollyKnown() || v.IsNull() || v.IsMarked() {
		return nil, false, false
	}
	t := v.Type()
	if t == cty.String {
		return []string{v.AsString()}, false, true
	}
	if !t.IsListType() && !t.IsTupleType() && !t.IsSetType() {
		return nil, false, false
	}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String {
			return nil, false, false
		}
		out = append(out, e.AsString())
	}
	return out, true, true
}

// distinct: each of ss (never empty: matchInput sees to it) is an ARN or
// an EC2-style id.
func distinct(ss []string) bool {
	for _, s := range ss {
		if !strings.HasPrefix(s, "arn:") && !awsID.MatchString(s) {
			return false
		}
	}
	return true
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
func linkBlocks(body *hclwrite.Body, path string, t targets) []linked {
	var out []linked
	for _, b := range body.Blocks() {
		at := path + b.Type()
		for _, attr := range sortedKeys(b.Body().Attributes()) {
			for _, l := range link(b.Body(), attr, t) {
				l.Path = at + "." + l.Path
				out = append(out, l)
			}
		}
		out = append(out, linkBlocks(b.Body(), at+".", t)...)
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

// fixed is what one attribute's references say: its path, the
// references written there, in order, and why.
type fixed struct{ path, refs, why string }

// add records from's links and returns them by path.
func (g *linkGraph) add(from string, links []linked) []fixed {
	var out []fixed
	for _, l := range links {
		if to := l.To.Type + "." + l.To.Name; l.To.Type != "" && g.inFile[to] {
			g.edges[from] = append(g.edges[from], to)
		}
		if n := len(out); n > 0 && out[n-1].path == l.Path && out[n-1].why == l.Why {
			out[n-1].refs += ", " + l.Ref
			continue
		}
		out = append(out, fixed{l.Path, l.Ref, l.Why})
	}
	return out
}
