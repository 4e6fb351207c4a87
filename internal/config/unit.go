package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
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
