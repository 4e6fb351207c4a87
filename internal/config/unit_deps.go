package config

// A unit's module source and dependency blocks, merged from its includes
// and its unit.hcl.

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

// mergeSource takes the source of the last layer that sets one: the
// unit.hcl's own, else the last include's.
func (l *Loader) mergeSource(u *Unit) hcl.Diagnostics {
	for i := len(u.layers) - 1; i >= 0; i-- {
		ly := u.layers[i]
		if a := ly.content.Attributes["source"]; a != nil {
			return l.unitSource(u, a, ly.dir, ly.staticContext(l, u), ly.staticScope())
		}
	}
	u.Source = Source{None: true, Local: true, Dir: u.Dir}
	return nil
}

// mergeDependencies merges dependency blocks by name: a block replaces a
// block of the same name from an earlier include, and the unit.hcl's
// replace the included ones. Within one file a name may appear once.
func (l *Loader) mergeDependencies(st *Stack, u *Unit) hcl.Diagnostics {
	var diags hcl.Diagnostics
	type decl struct {
		b  *hcl.Block
		ly *unitLayer
	}
	var order []string
	final := map[string]decl{}
	for _, ly := range u.layers {
		seen := map[string]*hcl.Block{}
		for _, b := range ly.deps {
			name := b.Labels[0]
			if prev, dup := seen[name]; dup {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate dependency",
					Detail: fmt.Sprintf("dependency %q is already declared at %s.", name, diag.At(prev.DefRange)), Subject: b.DefRange.Ptr()})
				continue
			}
			seen[name] = b
			if _, ok := final[name]; !ok {
				order = append(order, name)
			}
			final[name] = decl{b, ly}
		}
	}
	for _, name := range order {
		dc := final[name]
		diags = append(diags, l.unitDependency(st, u, dc.b, dc.ly.staticContext(l, u), dc.ly.staticScope())...)
	}
	return diags
}

// unitSource evaluates a source attribute of the file in dir.
func (l *Loader) unitSource(u *Unit, a *hcl.Attribute, dir string, ctx *hcl.EvalContext, sc scope) hcl.Diagnostics {
	raw, diags := evalString(a, ctx, sc)
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
	base := dir
	dir, sub := raw, ""
	if i := strings.Index(raw, "//"); i >= 0 {
		dir, sub = raw[:i], strings.Trim(raw[i+2:], "/")
	}
	u.Source.Dir = absFrom(base, dir)
	u.Source.Subdir = sub
	if !l.isDir(filepath.Join(u.Source.Dir, filepath.FromSlash(sub))) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Module source not found",
			Detail:   fmt.Sprintf("%q resolves to %s, which is not a folder. Local sources are relative to the file that names them.", raw, l.Display(filepath.Join(u.Source.Dir, filepath.FromSlash(sub)))),
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

// unitDependency evaluates one dependency block in ctx (its file's
// context). The path is relative to the unit's folder even in an included
// file: it names a unit of the environment that includes it.
func (l *Loader) unitDependency(st *Stack, u *Unit, b *hcl.Block, ctx *hcl.EvalContext, sc scope) hcl.Diagnostics {
	name := b.Labels[0]
	if !hclIdentifier(name) {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid dependency name",
			Detail: fmt.Sprintf("%q cannot be used in expressions (dependency.%s.outputs): use letters, digits, _ and -.", name, name), Subject: b.LabelRanges[0].Ptr()}}
	}
	c, diags := b.Body.Content(dependencySchema)
	if diags.HasErrors() {
		return diags
	}
	dep := &Dependency{Name: name, Range: b.DefRange, PathRange: c.Attributes["path"].Expr.Range()}
	rel, d := evalString(c.Attributes["path"], ctx, sc)
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
		v, d := evalExpr(a.Expr, ctx, sc)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
				diags = append(diags, attrError(a, "Invalid mock_outputs", "mock_outputs must be an object of output names to values."))
			} else if !v.IsKnown() {
				diags = append(diags, attrError(a, "Unknown mock_outputs", "mock_outputs must be known when the configuration is read."))
			} else {
				dep.MockOutputs = st.intern(v)
			}
		}
	}
	u.Dependencies = append(u.Dependencies, dep)
	return diags
}
