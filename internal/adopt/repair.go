package adopt

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// RepairOptions say what Repair knows about the generated file.
type RepairOptions struct {
	// Schemas is `terraform providers schema -json` of the unit: which
	// attributes are computed-only, sensitive or write-only.
	Schemas *tfjson.ProviderSchemas
	// Diagnostics are terraform's errors about the file (from
	// `terraform validate -json`, or the failed plan), for the repairs the
	// schema cannot tell: arguments that conflict with each other.
	Diagnostics []tfjson.Diagnostic
	// Taken reports variable names already declared in the unit.
	Taken func(name string) bool
	// Referable are the resources the unit's root module manages already:
	// a literal that is one's id, arn or name becomes a reference to it.
	Referable []Referable
	// Inputs are the unit's inputs that reach a variable of its root
	// module, by name, none sensitive or unknown: a literal that only one
	// of them carries (an ARN or an EC2-style id, or under the
	// attribute's own name) becomes var.NAME.
	Inputs map[string]cty.Value
}

// Repaired is a generated file after repair.
type Repaired struct {
	Src []byte
	// Variables were declared for secrets terraform could not read: the
	// user must set each (a stackctl input), or the plan fails.
	Variables []Variable
	// Fixes says what was changed, for people.
	Fixes []Fix
}

// Variable is a variable Repair declared for an unreadable secret.
type Variable struct {
	Name      string `json:"name"`
	Address   string `json:"address"`
	Attribute string `json:"attribute"`
}

// Fix is one repair.
type Fix struct {
	Address   string `json:"address"`
	Attribute string `json:"attribute"`
	What      string `json:"what"`
}

// Provider-owned attributes the AWS provider reports as optional but
// computes itself: tags_all is tags merged with the provider's
// default_tags, id is the import ID. Written into configuration they only
// fight the provider.
var providerOwned = map[string]bool{"tags_all": true, "id": true}

// Repair fixes what `terraform plan -generate-config-out` is known to
// generate wrongly (terraform PR #33232, issue #34157): computed-only and
// provider-owned values, empty tags, arguments that conflict, and secrets
// it cannot read, which become variables the user must set; a literal
// that names a resource the unit manages becomes a reference (link). Other nulls
// stay: an attribute written as null keeps the provider's import value,
// while leaving it out applies the schema's default (revoke_rules_on_delete
// = false would then be a change). The file must parse; a file that does not is reported with
// terraform's diagnostics.
func Repair(filename string, src []byte, o RepairOptions) (*Repaired, error) {
	f, diags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("the generated configuration %s does not parse (%s); fix it by hand", filename, diags.Error())
	}
	lines, err := blockLines(filename, src)
	if err != nil {
		return nil, err
	}
	r := &Repaired{}
	conflicts := conflictsByResource(o.Diagnostics, filename, lines)
	taken := map[string]bool{}
	for _, b := range f.Body().Blocks() {
		if b.Type() == "variable" && len(b.Labels()) == 1 {
			taken[b.Labels()[0]] = true
		}
	}
	var vars []*hclwrite.Block
	g := newLinkGraph(f.Body())
	for _, b := range f.Body().Blocks() {
		if b.Type() != "resource" || len(b.Labels()) != 2 {
			continue
		}
		typ, name := b.Labels()[0], b.Labels()[1]
		addr := typ + "." + name
		schema := resourceSchema(o.Schemas, typ)
		body := b.Body()
		fix := func(attr, what string) {
			r.Fixes = append(r.Fixes, Fix{Address: addr, Attribute: attr, What: what})
		}
		var links []linked
		for _, attr := range sortedKeys(body.Attributes()) {
			expr := strings.TrimSpace(string(body.GetAttribute(attr).Expr().BuildTokens(nil).Bytes()))
			var sa *tfjson.SchemaAttribute
			if schema != nil {
				sa = schema.Block.Attributes[attr]
			}
			switch {
			case providerOwned[attr]:
				body.RemoveAttribute(attr)
				fix(attr, "removed: the provider computes it")
			case sa != nil && sa.Computed && !sa.Optional && !sa.Required:
				body.RemoveAttribute(attr)
				fix(attr, "removed: computed-only")
			case expr == "null" && sa != nil && sa.Sensitive && !sa.WriteOnly:
				v := variableName(name, attr, taken, o.Taken)
				body.SetAttributeTraversal(attr, hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: v}})
				vars = append(vars, variableBlock(v, addr, attr, sa.AttributeType))
				r.Variables = append(r.Variables, Variable{Name: v, Address: addr, Attribute: attr})
				fix(attr, "set to var."+v+": terraform cannot read the secret")
			case expr == "{}" && attr == "tags":
				body.RemoveAttribute(attr)
			case sa != nil && sa.Sensitive:
			default:
				links = append(links, link(body, attr, targets{o.Referable, g.skip(addr), o.Inputs})...)
			}
		}
		links = append(links, linkBlocks(body, "", targets{o.Referable, g.skip(addr), o.Inputs})...)
		for _, l := range g.add(addr, links) {
			fix(l.path, "set to "+l.refs+": "+l.why)
		}
		for _, c := range conflicts[addr] {
			if body.GetAttribute(c.attr) == nil || body.GetAttribute(c.with) == nil {
				continue // already resolved
			}
			drop := c.attr
			if zero(body, c.with) && !zero(body, c.attr) {
				drop = c.with
			}
			body.RemoveAttribute(drop)
			other := c.with
			if drop == c.with {
				other = c.attr
			}
			fix(drop, "removed: conflicts with "+other)
		}
	}
	for _, v := range vars {
		f.Body().AppendNewline()
		f.Body().AppendBlock(v)
	}
	r.Src = hclwrite.Format(f.Bytes())
	return r, nil
}

func resourceSchema(s *tfjson.ProviderSchemas, typ string) *tfjson.Schema {
	if s == nil {
		return nil
	}
	for _, p := range s.Schemas {
		if rs := p.ResourceSchemas[typ]; rs != nil && rs.Block != nil {
			return rs
		}
	}
	return nil
}

func variableName(resource, attr string, taken map[string]bool, more func(string) bool) string {
	base := resource + "_" + attr
	n := base
	for i := 2; taken[n] || (more != nil && more(n)); i++ {
		n = fmt.Sprintf("%s_%d", base, i)
	}
	taken[n] = true
	return n
}

func variableBlock(name, addr, attr string, t cty.Type) *hclwrite.Block {
	b := hclwrite.NewBlock("variable", []string{name})
	body := b.Body()
	body.SetAttributeRaw("type", hclwrite.TokensForIdentifier(typeExpr(t)))
	body.SetAttributeValue("description", cty.StringVal(fmt.Sprintf("%s of %s: terraform cannot read it back; set it to the real value", attr, addr)))
	body.SetAttributeValue("sensitive", cty.True)
	return b
}

// typeExpr writes a type constraint; an object or tuple becomes any.
func typeExpr(t cty.Type) string {
	switch {
	case t == cty.String:
		return "string"
	case t == cty.Number:
		return "number"
	case t == cty.Bool:
		return "bool"
	case t.IsListType():
		return "list(" + typeExpr(t.ElementType()) + ")"
	case t.IsSetType():
		return "set(" + typeExpr(t.ElementType()) + ")"
	case t.IsMapType():
		return "map(" + typeExpr(t.ElementType()) + ")"
	}
	return "any"
}

func zero(body *hclwrite.Body, attr string) bool {
	a := body.GetAttribute(attr)
	if a == nil {
		return true
	}
	switch strings.TrimSpace(string(a.Expr().BuildTokens(nil).Bytes())) {
	case "null", `""`, "0", "false", "[]", "{}":
		return true
	}
	return false
}

type conflict struct{ attr, with string }

// The SDK's ConflictsWith error, as terraform prints it.
var conflictDetail = regexp.MustCompile(`^"([A-Za-z0-9_]+)": conflicts with ([A-Za-z0-9_]+)`)

// conflictsByResource reads "Conflicting configuration arguments" errors
// about filename, keyed by the resource whose block holds the line.
func conflictsByResource(diags []tfjson.Diagnostic, filename string, lines []blockLine) map[string][]conflict {
	out := map[string][]conflict{}
	for _, d := range diags {
		if d.Range == nil || filepath.Base(d.Range.Filename) != filepath.Base(filename) {
			continue
		}
		m := conflictDetail.FindStringSubmatch(d.Detail)
		if m == nil {
			continue
		}
		for _, l := range lines {
			if d.Range.Start.Line >= l.start && d.Range.Start.Line <= l.end {
				out[l.addr] = append(out[l.addr], conflict{attr: m[1], with: m[2]})
			}
		}
	}
	for _, cs := range out {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].attr < cs[j].attr })
	}
	return out
}

type blockLine struct {
	addr       string
	start, end int
}

func blockLines(filename string, src []byte) ([]blockLine, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("the generated configuration %s does not parse (%s); fix it by hand", filename, diags.Error())
	}
	var out []blockLine
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 {
			out = append(out, blockLine{addr: b.Labels[0] + "." + b.Labels[1], start: b.Range().Start.Line, end: b.Range().End.Line})
		}
	}
	return out, nil
}
