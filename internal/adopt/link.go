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
// name with a reference to it. Terraform generates literals only, so
// without the reference it has no edge between the two: a destroy
// deletes both at once, and an IAM user is refused (DeleteConflict) while
// the adopted attachment is still on it. The reference gives the order
// (attachment first) and keeps the value identical, so the import plan
// does not change. It returns the reference written, "" when none.
func link(body *hclwrite.Body, attr string, referable []Referable) string {
	if ownIdentity[attr] || len(referable) == 0 {
		return ""
	}
	value, ok := literal(body.GetAttribute(attr))
	if !ok || value == "" {
		return ""
	}
	var found *Referable
	var to string
	for i := range referable {
		k := refers(attr, value, referable[i])
		if k == "" {
			continue
		}
		if found != nil {
			// Two resources carry the value: which one is meant is the
			// user's call, so the literal stays.
			return ""
		}
		found, to = &referable[i], k
	}
	if found == nil {
		return ""
	}
	ref := found.Reference(to)
	body.SetAttributeTraversal(attr, ref)
	return string(hclwrite.TokensForTraversal(ref).Bytes())
}

// refers is the attribute of m that value names, "" when none. An ARN, or
// an id that differs from the name (vpc-…, sg-…), names one object; a
// name (or an id that is the name, as an IAM user's) is only taken when
// the attribute is named after m's type (user for aws_iam_user,
// log_group_name for aws_cloudwatch_log_group), since short names recur.
func refers(attr, value string, m Referable) string {
	order := []string{"name", "id", "arn"}
	switch {
	case strings.HasSuffix(attr, "arn"):
		order = []string{"arn", "id", "name"}
	case strings.HasSuffix(attr, "id"):
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

// namedAfter: attr, without a _name suffix, is the end of the type's name
// at an underscore.
func namedAfter(attr, typ string) bool {
	noun := strings.TrimSuffix(attr, "_name")
	return noun != "" && strings.HasSuffix(typ, "_"+noun)
}

// literal is the string an attribute is set to, when it is a plain quoted
// string (no template, no reference).
func literal(a *hclwrite.Attribute) (string, bool) {
	if a == nil {
		return "", false
	}
	src := a.Expr().BuildTokens(nil).Bytes()
	expr, diags := hclsyntax.ParseExpression(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return "", false
	}
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
