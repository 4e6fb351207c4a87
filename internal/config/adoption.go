package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Discovery is the discover block of stackctl.hcl: how `stackctl import
// --discover` recognises the resources of an environment that no unit's
// state manages.
type Discovery struct {
	// Tags every resource of the environment carries (the providers'
	// default_tags).
	Tags map[string]string
	// UnitTag is the tag that names the unit a resource belongs to; ""
	// when none does.
	UnitTag string
	// Regions to search; empty means the AWS configuration's region.
	Regions []string
	// Range is the block's; zero when stackctl.hcl has none.
	Range hcl.Range
}

// discoverBlock is the block as parsed: its values may use env, so they
// are evaluated per environment.
type discoverBlock struct {
	attrs hcl.Attributes
	rng   hcl.Range
}

var discoverSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "tags"}, {Name: "unit_tag"}, {Name: "regions"}}}

var scopeDiscover = scope{
	"unit":       "the discover block is shared by every unit, so unit is not available there",
	"local":      "the root file's locals are evaluated per unit and cannot be used in the discover block",
	"dependency": depOnlyInInputs,
}

func (r *Root) parseDiscover(b *hcl.Block) hcl.Diagnostics {
	c, diags := b.Body.Content(discoverSchema)
	r.discover = &discoverBlock{attrs: c.Attributes, rng: b.DefRange}
	return diags
}

// Discovery evaluates the discover block for the stack's environment.
// Without one (a **Choice** documented in docs/configuration.md): the tags
// Project = project and Environment = env.name, the unit tag "Unit" and
// the region env.region when the environment has one — what the
// production stack's default_tags set.
func (s *Stack) Discovery() (*Discovery, hcl.Diagnostics) {
	d := &Discovery{
		Tags:    map[string]string{"Project": s.Root.Project, "Environment": s.Env.Name},
		UnitTag: "Unit",
	}
	if v, ok := s.Env.Vars["region"]; ok && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
		d.Regions = []string{v.AsString()}
	}
	b := s.Root.discover
	if b == nil {
		return d, nil
	}
	d.Range = b.rng
	ctx := s.loader.fileContext(s.Root.Dir, true)
	ctx.Variables = map[string]cty.Value{"project": cty.StringVal(s.Root.Project), "env": s.Env.value}
	var diags hcl.Diagnostics
	if a := b.attrs["tags"]; a != nil {
		tags, more := evalTags(a, ctx)
		diags = append(diags, more...)
		d.Tags = tags
	}
	if a := b.attrs["unit_tag"]; a != nil {
		v, more := evalString(a, ctx, scopeDiscover)
		diags = append(diags, more...)
		d.UnitTag = v
	}
	if a := b.attrs["regions"]; a != nil {
		v, more := evalRegions(a, ctx)
		diags = append(diags, more...)
		d.Regions = v
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return d, diags
}

func evalTags(a *hcl.Attribute, ctx *hcl.EvalContext) (map[string]string, hcl.Diagnostics) {
	v, diags := evalExpr(a.Expr, ctx, scopeDiscover)
	if diags.HasErrors() {
		return nil, diags
	}
	bad := attrError(a, "Invalid tags", `tags is a map of tag names to values that every resource of the environment carries: tags = { Project = project, Environment = env.name }.`)
	mv, err := convert.Convert(v, cty.Map(cty.String))
	if err != nil || mv.IsNull() || !mv.IsWhollyKnown() || IsSensitive(mv) || mv.LengthInt() == 0 {
		return nil, append(diags, bad)
	}
	out := map[string]string{}
	for k, e := range mv.AsValueMap() {
		if e.IsNull() {
			return nil, append(diags, attrError(a, "Invalid tags", fmt.Sprintf("tag %q has no value: discovery matches tags by value.", k)))
		}
		out[k] = e.AsString()
	}
	return out, diags
}

func evalRegions(a *hcl.Attribute, ctx *hcl.EvalContext) ([]string, hcl.Diagnostics) {
	v, diags := evalExpr(a.Expr, ctx, scopeDiscover)
	if diags.HasErrors() {
		return nil, diags
	}
	lv, err := convert.Convert(v, cty.List(cty.String))
	if err != nil || lv.IsNull() || !lv.IsWhollyKnown() || IsSensitive(lv) {
		return nil, append(diags, attrError(a, "Invalid regions", `regions is a list of the AWS regions to search: regions = [env.region, "us-east-1"].`))
	}
	var out []string
	for _, e := range lv.AsValueSlice() {
		if e.IsNull() || e.AsString() == "" {
			return nil, append(diags, attrError(a, "Invalid regions", "regions must not contain null or empty names."))
		}
		out = append(out, e.AsString())
	}
	return out, diags
}
