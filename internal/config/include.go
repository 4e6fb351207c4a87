package config

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stackctl/stackctl/internal/diag"
)

// Include is one include block of a unit.hcl: a shared unit definition
// (source, dependencies, locals, inputs, …) the unit inherits and may
// override.
type Include struct {
	Name  string    // the block's label
	File  string    // absolute path of the included file
	Range hcl.Range // the include block's header
}

var includeSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "path", Required: true}}}

const includeOnlyInUnit = "include.<name>.locals can only be read in the unit.hcl that has the include block"

var (
	// An include's path is read before any locals: the unit's locals may
	// use the included file's.
	scopeIncludePath = scope{
		"local":      "include paths are read before locals (which may use the included files); use project, env, unit and functions such as get_repo_root()",
		"include":    "an include path cannot use another include",
		"dependency": depOnlyInInputs,
	}
	scopeIncludedStatic = scope{"dependency": depOnlyInInputs, "include": includeOnlyInUnit}
	scopeIncludedInputs = scope{"include": includeOnlyInUnit}
)

// loadInclude reads one include block of u's unit.hcl: the path, the
// included file (parsed once per invocation, however many units include
// it) and its locals, evaluated with the including unit's env and unit.
func (l *Loader) loadInclude(u *Unit, b *hcl.Block) (*unitLayer, hcl.Diagnostics) {
	name := b.Labels[0]
	if !hclIdentifier(name) {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid include name",
			Detail: fmt.Sprintf("%q cannot be used in expressions (include.%s.locals): use letters, digits, _ and -.", name, name), Subject: b.LabelRanges[0].Ptr()}}
	}
	for _, prev := range u.Includes {
		if prev.Name == name {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Duplicate include",
				Detail: fmt.Sprintf("include %q is already declared at %s.", name, diag.At(prev.Range)), Subject: b.DefRange.Ptr()}}
		}
	}
	c, diags := b.Body.Content(includeSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	pathAttr := c.Attributes["path"]
	ctx := l.fileContext(u.Dir, false)
	ctx.Variables = u.newVars()
	rel, d := evalString(pathAttr, ctx, scopeIncludePath)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	abs := absFrom(u.Dir, rel)
	if abs == u.File {
		return nil, append(diags, attrError(pathAttr, "Unit includes itself", "include paths name a shared unit definition, such as \"${get_repo_root()}/infra/units/service.hcl\"."))
	}
	file, d := l.files.parse(abs)
	d = slices.Clone(d) // shared by every unit that includes the file
	for i, dd := range d {
		if dd.Subject == nil { // the file could not be read: say where it was named
			c := *dd
			c.Subject = pathAttr.Expr.Range().Ptr()
			c.Detail += fmt.Sprintf(" (include %q: relative paths are relative to %s)", name, l.Display(u.File))
			d[i] = &c
		}
	}
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	content, d := file.Body.Content(unitSchema)
	diags = append(diags, d...)
	localAttrs, deps, nested, d := splitBlocks(content)
	diags = append(diags, d...)
	for _, nb := range nested {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Nested include",
			Detail:  fmt.Sprintf("%s is included by %s and cannot include another file itself: includes are one level deep, as in Terragrunt. Include both files from the unit.hcl.", l.Display(abs), l.Display(u.File)),
			Subject: nb.DefRange.Ptr()})
	}
	if diags.HasErrors() {
		return nil, diags
	}
	ly := &unitLayer{
		inc:     &Include{Name: name, File: abs, Range: b.DefRange},
		file:    abs,
		dir:     filepath.Dir(abs),
		content: content,
		deps:    deps,
		inputs:  content.Attributes["inputs"],
	}
	lctx := l.fileContext(ly.dir, true)
	lctx.Variables = u.newVars()
	ly.locals, d = evalLocals(localAttrs, lctx, scopeIncludedStatic)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, diags
	}
	lctx.Variables["local"] = ly.locals
	ly.static = lctx
	return ly, diags
}

// makeRepoRootFunc is get_repo_root(): the repository root, the folder of
// stackctl.hcl (root() is read when called: the root is found first).
func makeRepoRootFunc(root func() string) function.Function {
	return function.New(&function.Spec{
		Type: function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return cty.StringVal(root()), nil
		},
	})
}
