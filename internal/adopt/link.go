package adopt

import (
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

// link replaces a literal that is another managed resource's id, arn or
// name with a reference to it, in a string or in a list of strings.
// Terraform generates literals only, so without the reference it has no
// edge between the two: a destroy deletes both at once, and an IAM user
// is refused (DeleteConflict) while the adopted attachment is still on
// it. The reference gives the order (attachment first) and keeps the
// value identical, so the import plan does not change. It returns the
// references written, "" when none.
func link(body *hclwrite.Body, attr string, referable []Referable) string {
	a := body.GetAttribute(attr)
	if ownIdentity[attr] || len(referable) == 0 || a == nil {
		return ""
	}
	expr, diags := hclsyntax.ParseExpression(a.Expr().BuildTokens(nil).Bytes(), "", hcl.InitialPos)
	if diags.HasErrors() {
		return ""
	}
	if value, ok := literal(expr); ok {
		ref := find(attr, value, referable)
		if ref == nil {
			return ""
		}
		body.SetAttributeTraversal(attr, ref)
		return string(hclwrite.TokensForTraversal(ref).Bytes())
	}
	tuple, ok := expr.(*hclsyntax.TupleConsExpr)
	if !ok || len(tuple.Exprs) == 0 {
		return ""
	}
	elems := make([]hclwrite.Tokens, len(tuple.Exprs))
	var refs []string
	for i, e := range tuple.Exprs {
		value, ok := literal(e)
		if !ok {
			return "" // the list is more than literals: left as written
		}
		elems[i] = hclwrite.TokensForValue(cty.StringVal(value))
		if ref := find(attr, value, referable); ref != nil {
			elems[i] = hclwrite.TokensForTraversal(ref)
			refs = append(refs, string(elems[i].Bytes()))
		}
	}
	if len(refs) == 0 {
		return ""
	}
	body.SetAttributeRaw(attr, hclwrite.TokensForTuple(elems))
	return strings.Join(refs, ", ")
}

// linkBlocks links the attributes of body's nested blocks
// (network_configuration { subnets = [...] }), reporting each with its
// path from the resource.
func linkBlocks(body *hclwrite.Body, path string, referable []Referable, fix func(attr, ref string)) {
	for _, b := range body.Blocks() {
		at := path + b.Type()
		for _, attr := range sortedKeys(b.Body().Attributes()) {
			if ref := link(b.Body(), attr, referable); ref != "" {
				fix(at+"."+attr, ref)
			}
		}
		linkBlocks(b.Body(), at+".", referable, fix)
	}
}

// find is the reference to the one resource whose id, arn or name value
// is; nil when none is, or two are: which one is meant is the user's
// call, so the literal stays.
func find(attr, value string, referable []Referable) hcl.Traversal {
	if value == "" {
		return nil
	}
	var found *Referable
	var to string
	for i := range referable {
		k := refers(attr, value, referable[i])
		if k == "" {
			continue
		}
		if found != nil {
			return nil
		}
		found, to = &referable[i], k
	}
	if found == nil {
		return nil
	}
	return found.Reference(to)
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
