package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/discover"
)

var (
	unitSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "source"}, {Name: "inputs"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "dependency", LabelNames: []string{"name"}},
			{Type: "locals"},
		},
	}
	dependencySchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "path", Required: true}, {Name: "mock_outputs"}},
	}
)

func (l *Loader) loadUnit(st *Stack, u *Unit) hcl.Diagnostics {
	file, diags := l.files.parse(u.File)
	if diags.HasErrors() {
		return diags
	}
	content, d := file.Body.Content(unitSchema)
	diags = append(diags, d...)
	var localAttrs hcl.Attributes
	var depBlocks []*hcl.Block
	for _, b := range content.Blocks {
		switch b.Type {
		case "locals":
			attrs, d := b.Body.JustAttributes()
			diags = append(diags, d...)
			diags = append(diags, mergeLocals(&localAttrs, attrs)...)
		case "dependency":
			depBlocks = append(depBlocks, b)
		}
	}
	if diags.HasErrors() {
		return diags
	}
	u.inputs = content.Attributes["inputs"]
	u.vars = map[string]cty.Value{
		"project": cty.StringVal(st.Root.Project),
		"env":     st.Env.value,
		"unit":    cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(u.Name), "path": cty.StringVal(u.Path)}),
	}

	// The root file's locals are evaluated per unit: they may use env and
	// unit like everything else in the root file.
	rootCtx := l.fileContext(st.Root.Dir)
	rootCtx.Variables = copyVars(u.vars)
	u.rootLocals, d = evalLocals(st.Root.locals, rootCtx, scopeUnitStatic)
	diags = append(diags, d...)

	ctx := l.fileContext(u.Dir)
	ctx.Variables = copyVars(u.vars)
	u.locals, d = evalLocals(localAttrs, ctx, scopeUnitStatic)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}
	ctx.Variables["local"] = u.locals

	diags = append(diags, l.unitSource(u, content.Attributes["source"], ctx)...)
	for _, b := range depBlocks {
		diags = append(diags, l.unitDependency(st, u, b, ctx)...)
	}

	rootCtx.Variables["local"] = u.rootLocals
	diags = append(diags, l.unitBackend(st, u, rootCtx)...)
	return diags
}

func (l *Loader) unitSource(u *Unit, a *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	if a == nil {
		u.Source = Source{None: true, Local: true, Dir: u.Dir}
		return nil
	}
	raw, diags := evalString(a, ctx, scopeUnitStatic)
	if diags.HasErrors() {
		return diags
	}
	if strings.TrimSpace(raw) == "" {
		return hcl.Diagnostics{attrError(a, "Empty source",
			"source must name a module: a path relative to this file (\"../../../modules/network\") or a Terraform module source. Leave source out to use the unit folder's own .tf files.")}
	}
	u.Source = Source{Raw: raw, Range: a.Expr.Range()}
	if !isLocalSource(raw) {
		return nil
	}
	u.Source.Local = true
	dir, sub := raw, ""
	if i := strings.Index(raw, "//"); i >= 0 {
		dir, sub = raw[:i], strings.Trim(raw[i+2:], "/")
	}
	u.Source.Dir = absFrom(u.Dir, dir)
	u.Source.Subdir = sub
	if !l.isDir(filepath.Join(u.Source.Dir, filepath.FromSlash(sub))) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Module source not found",
			Detail:   fmt.Sprintf("%q resolves to %s, which is not a folder. Local sources are relative to the unit.hcl that names them.", raw, l.Display(filepath.Join(u.Source.Dir, filepath.FromSlash(sub)))),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	return nil
}

// isDir reports whether path is a folder, asking the filesystem once per
// path: most units share a handful of modules.
func (l *Loader) isDir(path string) bool {
	if v, ok := l.dirs.Load(path); ok {
		return v.(bool)
	}
	info, err := os.Stat(path)
	ok := err == nil && info.IsDir()
	l.dirs.Store(path, ok)
	return ok
}

// isLocalSource follows Terraform's rule: local paths start with ./, ../ or
// are absolute; anything else goes to terraform's module installer.
func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".." || filepath.IsAbs(s)
}

func (l *Loader) unitDependency(st *Stack, u *Unit, b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	name := b.Labels[0]
	if !hclIdentifier(name) {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid dependency name",
			Detail: fmt.Sprintf("%q cannot be used in expressions (dependency.%s.outputs): use letters, digits, _ and -.", name, name), Subject: b.LabelRanges[0].Ptr()}}
	}
	if prev := u.Dependency(name); prev != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Duplicate dependency",
			Detail: fmt.Sprintf("dependency %q is already declared at %s.", name, diag.At(prev.Range)), Subject: b.DefRange.Ptr()}}
	}
	c, diags := b.Body.Content(dependencySchema)
	if diags.HasErrors() {
		return diags
	}
	dep := &Dependency{Name: name, Range: b.DefRange, PathRange: c.Attributes["path"].Expr.Range()}
	rel, d := evalString(c.Attributes["path"], ctx, scopeUnitStatic)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	target := absFrom(u.Dir, rel)
	envRel, err := filepath.Rel(st.Env.Dir, target)
	if err != nil || envRel == "." || envRel == ".." || strings.HasPrefix(envRel, ".."+string(filepath.Separator)) {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Dependency outside the environment",
			Detail:  fmt.Sprintf("%q resolves to %s; a dependency must be another unit of environment %s.", rel, l.Display(target), st.Env.Name),
			Subject: dep.PathRange.Ptr()})
	}
	dep.Path = filepath.ToSlash(envRel)
	if st.Unit(dep.Path) == nil {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Dependency on a missing unit %q", dep.Path),
			Detail:  fmt.Sprintf("dependency %q points at %s, which has no %s. Units in %s: %s.", name, l.Display(target), discover.UnitFile, st.Env.Name, strings.Join(st.UnitPaths(), ", ")),
			Subject: dep.PathRange.Ptr()})
	}
	if dep.Path == u.Path {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unit depends on itself",
			Detail: fmt.Sprintf("dependency %q points at this unit.", name), Subject: dep.PathRange.Ptr()})
	}
	dep.MockOutputs = cty.NilVal
	if a := c.Attributes["mock_outputs"]; a != nil {
		v, d := evalExpr(a.Expr, ctx, scopeUnitStatic)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
				diags = append(diags, attrError(a, "Invalid mock_outputs", "mock_outputs must be an object of output names to values."))
			} else if !v.IsKnown() {
				diags = append(diags, attrError(a, "Unknown mock_outputs", "mock_outputs must be known when the configuration is read."))
			} else {
				dep.MockOutputs = v
			}
		}
	}
	u.Dependencies = append(u.Dependencies, dep)
	return diags
}
