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
		Attributes: []hcl.AttributeSchema{{Name: "source"}, {Name: "inputs"}, {Name: "prevent_destroy"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "include", LabelNames: []string{"name"}},
			{Type: "dependencies"},
			{Type: "exclude"},
			{Type: "dependency", LabelNames: []string{"name"}},
			{Type: "locals"},
			{Type: "generate", LabelNames: []string{"name"}},
			{Type: "verify", LabelNames: []string{"name"}},
			{Type: "before_hook", LabelNames: []string{"name"}},
			{Type: "after_hook", LabelNames: []string{"name"}},
			{Type: "error_hook", LabelNames: []string{"name"}},
		},
	}
	dependencySchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "path", Required: true}, {Name: "mock_outputs"}},
	}
)

// unitLayer is one file that defines a unit: an included shared definition
// or the unit.hcl itself. Each keeps its own folder (for relative paths and
// file functions) and its own locals.
type unitLayer struct {
	inc    *Include // nil for the unit.hcl itself
	file   string   // absolute
	dir    string
	locals cty.Value
	// includes is the include object (include.<name>.locals) that only the
	// unit.hcl sees; cty.NilVal in an included file.
	includes cty.Value
	// inputs is the file's inputs attribute (nil without one), evaluated
	// only when the unit runs. An included file's stays (every unit that
	// includes the file shares its tree); the unit.hcl's own moves to
	// savedInputs on release. See inputsAttr.
	inputs      *hcl.Attribute
	savedInputs *savedAttr

	// Only loading needs these; release drops them.
	content *hcl.BodyContent
	deps    []*hcl.Block
	static  *hcl.EvalContext // staticContext's, built once
}

// release drops what only loading needed once the unit is loaded: the
// file's blocks (locals, dependency, generate, …), whose syntax trees
// would otherwise stay reachable from every unit for the whole command,
// and the static evaluation context with its function table. The
// unit.hcl's inputs keep only their text (src is the file's bytes);
// verify blocks, rare, keep their expressions.
func (ly *unitLayer) release(src []byte) {
	ly.content, ly.deps, ly.static = nil, nil, nil
	if ly.inc == nil && ly.inputs != nil && src != nil {
		ly.savedInputs, ly.inputs = saveAttr(ly.inputs, src), nil
	}
}

// inputsAttr returns the layer's inputs attribute, nil without one.
func (ly *unitLayer) inputsAttr() (*hcl.Attribute, hcl.Diagnostics) {
	if ly.savedInputs != nil {
		return ly.savedInputs.attr()
	}
	return ly.inputs, nil
}

// stackVars are the values every unit of a stack sees alike.
type stackVars struct {
	project, env cty.Value
}

// newVars returns a fresh map of the variables every file of the unit
// sees (project, env, unit), with room for one more. While the unit loads
// they are built once; afterwards they are built when asked, since the
// unit object would otherwise stay with every unit for the whole command.
func (u *Unit) newVars() map[string]cty.Value {
	if u.vars != nil {
		return copyVars(u.vars)
	}
	return map[string]cty.Value{
		"project": u.common.project,
		"env":     u.common.env,
		"unit":    cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(u.Name), "path": cty.StringVal(u.Path)}),
	}
}

// rootLocals evaluates the root file's locals for a unit in ctx. They are
// evaluated per unit because they may use unit like everything else in
// the root file; when none of them does, they are the same for every unit
// of the stack, so they are evaluated once and the value shared.
func (s *Stack) rootLocals(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if s.rootLocalsPerUnit {
		return evalLocals(s.Root.locals, ctx, scopeUnitStatic)
	}
	s.sharedRootLocals.once.Do(func() {
		s.sharedRootLocals.value, s.sharedRootLocals.diags = evalLocals(s.Root.locals, ctx, scopeUnitStatic)
	})
	return s.sharedRootLocals.value, s.sharedRootLocals.diags
}

// usesVariable reports whether any of the expressions refers to the
// top-level variable name.
func usesVariable(attrs hcl.Attributes, name string) bool {
	for _, a := range attrs {
		for _, t := range a.Expr.Variables() {
			if t.RootName() == name {
				return true
			}
		}
	}
	return false
}

// context returns the evaluation context of the layer for unit u; extra
// adds variables (dependency, in inputs).
func (ly *unitLayer) context(l *Loader, u *Unit, extra map[string]cty.Value) *hcl.EvalContext {
	// An included file's folder serves every unit that includes it; the
	// unit's own folder serves only this unit, so its file functions are
	// not cached.
	ctx := l.fileContext(ly.dir, ly.inc != nil)
	ctx.Variables = u.newVars()
	ctx.Variables["local"] = ly.locals
	if ly.includes != cty.NilVal {
		ctx.Variables["include"] = ly.includes
	}
	for k, v := range extra {
		ctx.Variables[k] = v
	}
	return ctx
}

// staticContext is the layer's context for everything but inputs (no
// dependency outputs), built once per unit and layer: source, dependency
// blocks, generate, exclude and the rest all evaluate in it.
func (ly *unitLayer) staticContext(l *Loader, u *Unit) *hcl.EvalContext {
	if ly.static == nil {
		ly.static = ly.context(l, u, nil)
	}
	return ly.static
}

func (ly *unitLayer) staticScope() scope {
	if ly.inc != nil {
		return scopeIncludedStatic
	}
	return scopeUnitStatic
}

// splitBlocks sorts a unit file's blocks: locals are merged, dependency
// and include blocks kept in order.
func splitBlocks(content *hcl.BodyContent) (locals hcl.Attributes, deps, includes []*hcl.Block, diags hcl.Diagnostics) {
	for _, b := range content.Blocks {
		switch b.Type {
		case "locals":
			attrs, d := b.Body.JustAttributes()
			diags = append(diags, d...)
			diags = append(diags, mergeLocals(&locals, attrs)...)
		case "dependency":
			deps = append(deps, b)
		case "include":
			includes = append(includes, b)
		}
	}
	return locals, deps, includes, diags
}

func (l *Loader) loadUnit(st *Stack, u *Unit) hcl.Diagnostics {
	file, diags := l.files.parse(u.File)
	if diags.HasErrors() {
		return diags
	}
	content, d := file.Body.Content(unitSchema)
	diags = append(diags, d...)
	localAttrs, depBlocks, includeBlocks, d := splitBlocks(content)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}
	u.common = st.common
	u.vars = u.newVars()

	rootCtx := l.fileContext(st.Root.Dir, true)
	rootCtx.Variables = u.newVars()
	u.rootLocals, d = st.rootLocals(rootCtx)
	diags = append(diags, d...)

	// Included files first: the unit.hcl's locals may read theirs
	// (include.<name>.locals), and the unit overrides what they set.
	includeVals := map[string]cty.Value{}
	for _, b := range includeBlocks {
		ly, d := l.loadInclude(u, b)
		diags = append(diags, d...)
		if ly == nil {
			continue
		}
		u.layers = append(u.layers, ly)
		u.Includes = append(u.Includes, *ly.inc)
		includeVals[ly.inc.Name] = cty.ObjectVal(map[string]cty.Value{"locals": ly.locals})
	}
	own := &unitLayer{file: u.File, dir: u.Dir, content: content, deps: depBlocks, includes: cty.EmptyObjectVal, inputs: content.Attributes["inputs"]}
	if len(includeVals) > 0 {
		own.includes = cty.ObjectVal(includeVals)
	}
	ctx := own.context(l, u, nil)
	delete(ctx.Variables, "local")
	own.locals, d = evalLocals(localAttrs, ctx, scopeUnitStatic)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}
	ctx.Variables["local"] = own.locals
	own.static = ctx
	u.layers = append(u.layers, own)
	// Verify blocks of the included files first; one of the unit.hcl (or a
	// later include) replaces an earlier file's of the same name.
	for _, ly := range u.layers {
		diags = append(diags, l.unitVerify(u, ly, ly.content.Blocks, ly.staticContext(l, u))...)
	}

	diags = append(diags, l.mergeSource(u)...)
	diags = append(diags, l.mergeDependencies(st, u)...)
	diags = append(diags, l.mergeRunFlags(st, u)...)

	rootCtx.Variables["local"] = u.rootLocals
	diags = append(diags, l.unitBackend(st, u, rootCtx)...)
	diags = append(diags, l.mergeGenerate(st, u, rootCtx)...)
	diags = append(diags, l.mergeHooks(st, u, rootCtx)...)
	for _, ly := range u.layers {
		ly.release(file.Bytes)
	}
	u.vars = nil
	// Only this unit reads its unit.hcl: the syntax tree can go now,
	// not after every unit is loaded (the bytes stay for messages).
	l.files.release(u.File)
	return diags
}

// ownLocals are the unit.hcl's own locals (verify blocks see them).
func (u *Unit) ownLocals() cty.Value {
	if len(u.layers) == 0 {
		return cty.EmptyObjectVal
	}
	return u.layers[len(u.layers)-1].locals
}

// inputExprs are the inputs expressions of every file that defines the
// unit (included files, then unit.hcl).
func (u *Unit) inputExprs() []hcl.Expression {
	var out []hcl.Expression
	for _, ly := range u.layers {
		if a, _ := ly.inputsAttr(); a != nil {
			out = append(out, a.Expr)
		}
	}
	return out
}

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
