package config

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/diag"
)

// IfExists says what a generate block does when the unit's configuration
// (its module or the unit folder) already has a file at its path.
type IfExists string

// The if_exists values. Files stackctl generated itself are always
// rewritten; these only decide about the user's own files.
const (
	// IfExistsError refuses the clash, naming both files (the default).
	IfExistsError IfExists = "error"
	// IfExistsOverwrite writes the generated file in place of the user's
	// (in the working folder only; the user's file is never touched).
	IfExistsOverwrite IfExists = "overwrite"
	// IfExistsSkip keeps the user's file and writes nothing.
	IfExistsSkip IfExists = "skip"
	// IfExistsOverwriteGenerated overwrites only files stackctl generated,
	// and is an error for a user's file: Terragrunt's
	// "overwrite_terragrunt", which is accepted as another spelling.
	IfExistsOverwriteGenerated IfExists = "overwrite_stackctl"
)

// Generate is one generate block: a file written into the unit's working
// folder, next to its module's files, before terraform runs.
type Generate struct {
	Name string
	// Path is '/'-separated and relative to the folder terraform runs in.
	Path string
	// Contents are the file's exact bytes, with the signature line unless
	// disable_signature (or a .json path).
	Contents string
	IfExists IfExists
	// File is the absolute path of the file that declares the block.
	File  string
	Range hcl.Range // the block's header
}

var generateSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "path", Required: true},
		{Name: "contents", Required: true},
		{Name: "if_exists"},
		{Name: "comment_prefix"},
		{Name: "disable_signature"},
		{Name: "disable"},
	},
}

// generateDecl is a generate block with the context of the file it is
// written in.
type generateDecl struct {
	b    *hcl.Block
	ctx  *hcl.EvalContext
	sc   scope
	file string
}

func generateBlocks(blocks hcl.Blocks) []*hcl.Block {
	var out []*hcl.Block
	for _, b := range blocks {
		if b.Type == "generate" {
			out = append(out, b)
		}
	}
	return out
}

// mergeGenerate merges the generate blocks of stackctl.hcl, env.hcl, the
// included files and the unit.hcl by name (a later file's block replaces
// the whole block), drops the disabled ones, and evaluates the rest for u.
func (l *Loader) mergeGenerate(st *Stack, u *Unit, rootCtx *hcl.EvalContext) hcl.Diagnostics {
	order, final, diags := l.mergeNamed(st, u, rootCtx, st.Root.generate, st.Env.generate, func(b *hcl.Block) (string, bool) {
		if b.Type != "generate" {
			return "", false
		}
		return b.Labels[0], true
	}, "generate")
	if len(order) == 0 {
		return diags
	}
	byPath := map[string]*Generate{}
	for _, name := range order {
		g, d := l.evalGenerate(final[name])
		diags = append(diags, d...)
		if g == nil {
			continue
		}
		if prev, dup := byPath[g.Path]; dup {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Two generate blocks write one file",
				Detail:  fmt.Sprintf("generate %q and generate %q (%s) both write %s. Give one another path, or the same name so that one replaces the other.", g.Name, prev.Name, diag.At(prev.Range), g.Path),
				Subject: g.Range.Ptr()})
			continue
		}
		byPath[g.Path] = g
		u.Generate = append(u.Generate, *g)
	}
	sort.Slice(u.Generate, func(i, j int) bool { return u.Generate[i].Path < u.Generate[j].Path })
	return diags
}

// mergeNamed collects the labelled blocks that key picks from stackctl.hcl
// (root), env.hcl (env), the included files and the unit.hcl, merged by
// key: a later file's block replaces an earlier one's of the same key
// whole; two in one file are an error. It returns the keys in the order
// they first appear and each one's winning block, with the context of the
// file it is written in. what names the blocks in messages.
func (l *Loader) mergeNamed(st *Stack, u *Unit, rootCtx *hcl.EvalContext, root, env []*hcl.Block, key func(*hcl.Block) (string, bool), what string) ([]string, map[string]generateDecl, hcl.Diagnostics) {
	pick := func(blocks []*hcl.Block) []*hcl.Block {
		var out []*hcl.Block
		for _, b := range blocks {
			if _, ok := key(b); ok {
				out = append(out, b)
			}
		}
		return out
	}
	some := len(root) > 0 || len(env) > 0
	for _, ly := range u.layers {
		some = some || len(pick(ly.content.Blocks)) > 0
	}
	if !some {
		return nil, nil, nil
	}
	var diags hcl.Diagnostics
	envCtx := l.fileContext(st.Env.Dir, true)
	envCtx.Variables = u.newVars()
	envCtx.Variables["local"] = st.Env.localVal
	files := [][]generateDecl{}
	add := func(blocks []*hcl.Block, ctx *hcl.EvalContext, sc scope, file string) {
		var ds []generateDecl
		for _, b := range pick(blocks) {
			ds = append(ds, generateDecl{b, ctx, sc, file})
		}
		files = append(files, ds)
	}
	add(root, rootCtx, scopeRootInputs, st.Root.File)
	add(env, envCtx, scopeRootInputs, st.Env.File)
	for _, ly := range u.layers {
		add(ly.content.Blocks, ly.staticContext(l, u), ly.staticScope(), ly.file)
	}
	var order []string
	final := map[string]generateDecl{}
	for _, ds := range files {
		seen := map[string]*hcl.Block{}
		for _, d := range ds {
			name, _ := key(d.b)
			if prev, dup := seen[name]; dup {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate " + what + " block",
					Detail: fmt.Sprintf("%s %q is already declared at %s.", what, name, diag.At(prev.DefRange)), Subject: d.b.DefRange.Ptr()})
				continue
			}
			seen[name] = d.b
			if _, ok := final[name]; !ok {
				order = append(order, name)
			}
			final[name] = d
		}
	}
	return order, final, diags
}

// evalGenerate evaluates one block; nil with no errors means disabled.
func (l *Loader) evalGenerate(d generateDecl) (*Generate, hcl.Diagnostics) {
	c, diags := d.b.Body.Content(generateSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	g := &Generate{Name: d.b.Labels[0], IfExists: IfExistsError, File: d.file, Range: d.b.DefRange}
	boolAttr := func(name string) bool {
		a := c.Attributes[name]
		if a == nil {
			return false
		}
		v, dd := evalExpr(a.Expr, d.ctx, d.sc)
		diags = append(diags, dd...)
		if dd.HasErrors() {
			return false
		}
		v, _ = v.Unmark()
		if v.Type() != cty.Bool || v.IsNull() || !v.IsKnown() {
			diags = append(diags, attrError(a, "Invalid value", name+" must be true or false."))
			return false
		}
		return v.True()
	}
	if boolAttr("disable") {
		return nil, diags
	}
	p, dd := evalString(c.Attributes["path"], d.ctx, d.sc)
	diags = append(diags, dd...)
	if !dd.HasErrors() {
		clean, why := generatePath(p)
		if why != "" {
			diags = append(diags, attrError(c.Attributes["path"], "Invalid generate path", fmt.Sprintf("%q %s", p, why)))
		}
		g.Path = clean
	}
	if a := c.Attributes["if_exists"]; a != nil {
		v, dd := evalString(a, d.ctx, d.sc)
		diags = append(diags, dd...)
		switch IfExists(v) {
		case IfExistsError, IfExistsOverwrite, IfExistsSkip, IfExistsOverwriteGenerated:
			g.IfExists = IfExists(v)
		case "overwrite_terragrunt":
			g.IfExists = IfExistsOverwriteGenerated
		default:
			if !dd.HasErrors() {
				diags = append(diags, attrError(a, "Invalid if_exists",
					fmt.Sprintf("if_exists must be \"error\" (the default), \"overwrite\", \"skip\" or \"overwrite_stackctl\" (also spelt \"overwrite_terragrunt\"), not %q.", v)))
			}
		}
	}
	prefix := "# "
	if a := c.Attributes["comment_prefix"]; a != nil {
		v, dd := evalString(a, d.ctx, d.sc)
		diags = append(diags, dd...)
		prefix = v
	}
	noSig := boolAttr("disable_signature") || strings.HasSuffix(g.Path, ".json")
	a := c.Attributes["contents"]
	v, dd := evalExpr(a.Expr, d.ctx, d.sc)
	diags = append(diags, dd...)
	if dd.HasErrors() {
		return nil, diags
	}
	switch {
	case IsSensitive(v):
		diags = append(diags, attrError(a, "Sensitive value in a generated file",
			"Generated files are written to disk as plain text and are not masked. Pass secrets as inputs: terraform reads them from a 0600 file and stackctl masks them in its output."))
	case !v.IsKnown():
		diags = append(diags, attrError(a, "Unknown value", "contents must be known when the configuration is read."))
	case v.IsNull() || v.Type() != cty.String:
		diags = append(diags, attrError(a, "Invalid value", fmt.Sprintf("contents must be a string, not %s.", friendly(v))))
	default:
		g.Contents = v.AsString()
		if !noSig {
			rel, err := filepath.Rel(l.rootDir, d.file)
			if err != nil {
				rel = d.file
			}
			g.Contents = fmt.Sprintf("%sGenerated by stackctl from %s (generate %q): edit that file, not this one.\n", prefix, filepath.ToSlash(rel), g.Name) + g.Contents
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return g, diags
}

func friendly(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	return v.Type().FriendlyName()
}

// generatePath cleans a generate path and says why it cannot be used.
// Names beginning with "stackctl" are stackctl's own working files (the
// backend and tfvars files).
func generatePath(p string) (string, string) {
	if strings.TrimSpace(p) == "" {
		return "", "is empty: name the file, for example path = \"provider.tf\"."
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || strings.Contains(p, `\`) {
		return "", "must be a '/'-separated path relative to the folder terraform runs in."
	}
	clean := path.Clean(p)
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", "leaves the working folder: generated files are written next to the module's files."
	}
	for _, part := range strings.Split(clean, "/") {
		if strings.HasPrefix(part, ".") {
			return "", "names a hidden file or folder (.terraform and the like belong to terraform)."
		}
	}
	if strings.HasPrefix(path.Base(clean), "stackctl") {
		return "", "begins with \"stackctl\", which stackctl keeps for its own files in the working folder (stackctl_backend.tf.json, stackctl.auto.tfvars.json)."
	}
	return clean, ""
}

// GenerateFor returns the generate block that writes path, or nil.
func (u *Unit) GenerateFor(path string) *Generate {
	i := slices.IndexFunc(u.Generate, func(g Generate) bool { return g.Path == path })
	if i < 0 {
		return nil
	}
	return &u.Generate[i]
}
