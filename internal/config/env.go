package config

import (
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/discover"
)

var envSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "vars"}, {Name: "inputs"}, {Name: "allowed_account_ids"}},
	Blocks: []hcl.BlockHeaderSchema{{Type: "locals"}, {Type: "generate", LabelNames: []string{"name"}}, {Type: "assume_role"},
		{Type: "before_hook", LabelNames: []string{"name"}}, {Type: "after_hook", LabelNames: []string{"name"}}, {Type: "error_hook", LabelNames: []string{"name"}}},
}

func (l *Loader) loadEnv(root *Root, name, dir string) (*Env, hcl.Diagnostics) {
	e := &Env{Name: name, Dir: dir, File: filepath.Join(dir, discover.EnvFile), Vars: map[string]cty.Value{}}
	file, diags := l.files.parse(e.File)
	if diags.HasErrors() {
		return nil, diags
	}
	content, d := file.Body.Content(envSchema)
	diags = append(diags, d...)
	for _, b := range content.Blocks {
		if isHook(b) {
			e.hooks = append(e.hooks, b)
			continue
		}
		if b.Type == "generate" {
			e.generate = append(e.generate, b)
			continue
		}
		if b.Type == "assume_role" {
			continue
		}
		attrs, d := b.Body.JustAttributes()
		diags = append(diags, d...)
		diags = append(diags, mergeLocals(&e.locals, attrs)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	e.inputs = content.Attributes["inputs"]

	// env.hcl's locals and vars are shared by every unit, so they see only
	// the project and the environment's name.
	ctx := l.fileContext(dir, true)
	ctx.Variables = map[string]cty.Value{
		"project": cty.StringVal(root.Project),
		"env":     cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(name)}),
	}
	locals, d := evalLocals(e.locals, ctx, scopeEnvShared)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, diags
	}
	ctx.Variables["local"] = locals
	e.localVal = locals
	diags = append(diags, e.parseEnvAWS(content, ctx)...)
	if diags.HasErrors() {
		return nil, diags
	}
	// The role is assumed before vars are evaluated: an ssm_parameter() in
	// them is read as that role.
	if l.opts.EnvReady != nil {
		if err := l.opts.EnvReady(e); err != nil {
			rng := hcl.Range{Filename: l.Display(e.File)}
			if e.AssumeRole != nil {
				rng = e.AssumeRole.Range
			}
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot use the environment's AWS role", Detail: err.Error() + ".", Subject: &rng}}
		}
	}
	e.varsAttr = content.Attributes["vars"]
	if a := e.varsAttr; a != nil {
		v, d := evalExpr(a.Expr, ctx, scopeEnvShared)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if !v.Type().IsObjectType() && !v.Type().IsMapType() || v.IsNull() {
				diags = append(diags, attrError(a, "Invalid vars", "vars must be an object: vars = { region = \"eu-west-1\" }."))
			} else if !v.IsWhollyKnown() {
				diags = append(diags, attrError(a, "Invalid vars", "vars must be known when the configuration is read."))
			} else {
				for k, val := range valueMap(v) {
					if k == "name" {
						diags = append(diags, attrError(a, "Reserved var name", "env.name is the environment's folder name; choose another key than \"name\"."))
						continue
					}
					e.Vars[k] = val
				}
			}
		}
	}
	obj := map[string]cty.Value{"name": cty.StringVal(name)}
	for k, v := range e.Vars {
		obj[k] = v
	}
	e.value = cty.ObjectVal(obj)
	return e, diags
}
