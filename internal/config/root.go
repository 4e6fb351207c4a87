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

var rootSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "project", Required: true},
		{Name: "live_dir"},
		{Name: "inputs"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "terraform"},
		{Type: "providers"},
		{Type: "remote_state"},
		{Type: "locals"},
		{Type: "parity"},
		{Type: "retry"},
		{Type: "discover"},
		{Type: "generate", LabelNames: []string{"name"}},
		{Type: "before_hook", LabelNames: []string{"name"}},
		{Type: "after_hook", LabelNames: []string{"name"}},
		{Type: "error_hook", LabelNames: []string{"name"}},
	},
}

var (
	terraformSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "version"}, {Name: "binary"}}}
	providersSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "mirror"}, {Name: "cache_dir"}}}
	remoteStateSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "backend", Required: true}, {Name: "config"}}}
)

// Root reads and evaluates stackctl.hcl (once).
func (l *Loader) Root() (*Root, hcl.Diagnostics) {
	if l.root != nil {
		return l.root, nil
	}
	dir := l.opts.RootDir
	if dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(l.opts.Dir, dir)
		}
		if _, err := os.Stat(filepath.Join(dir, discover.RootFile)); err != nil {
			return nil, hcl.Diagnostics{errorf("No "+discover.RootFile+" in the --root folder",
				"%s has no %s. Give --root (or STACKCTL_ROOT) the repository folder that holds it, or leave it out to search upward from the working directory.", dir, discover.RootFile)}
		}
	} else {
		var err error
		dir, err = discover.FindRoot(l.opts.Dir)
		if err != nil {
			return nil, hcl.Diagnostics{errorf("Not inside a stackctl repository", "%v", err)}
		}
	}
	r := &Root{Dir: dir, File: filepath.Join(dir, discover.RootFile), Retry: DefaultRetry()}
	l.rootDir = dir
	file, diags := l.files.parse(r.File)
	if diags.HasErrors() {
		return nil, diags
	}
	content, moreDiags := file.Body.Content(rootSchema)
	diags = append(diags, moreDiags...)
	if diags.HasErrors() {
		return nil, diags
	}

	ctx := l.fileContext(dir, true)
	ctx.Variables = map[string]cty.Value{}
	project, d := evalString(content.Attributes["project"], ctx, scopeRootSettings)
	diags = append(diags, d...)
	if !d.HasErrors() && project == "" {
		diags = append(diags, attrError(content.Attributes["project"], "Empty project", "project must name the project; it is used in names and tags."))
	}
	r.Project = project
	ctx.Variables["project"] = cty.StringVal(project)

	r.LiveDir = filepath.Join(dir, "infra", "live")
	if a := content.Attributes["live_dir"]; a != nil {
		v, d := evalString(a, ctx, scopeRootSettings)
		diags = append(diags, d...)
		r.LiveDir = absFrom(dir, v)
	}
	r.PluginCacheDir = filepath.Join(dir, ".stackctl", "plugins")
	r.inputs = content.Attributes["inputs"]

	seen := map[string]hcl.Range{}
	for _, b := range content.Blocks {
		if isHook(b) {
			r.hooks = append(r.hooks, b)
			continue
		}
		if b.Type == "generate" {
			r.generate = append(r.generate, b)
			continue
		}
		if prev, dup := seen[b.Type]; dup && b.Type != "locals" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Duplicate %s block", b.Type),
				Detail:   fmt.Sprintf("Only one %s block is allowed; the first is at %s.", b.Type, diag.At(prev)),
				Subject:  b.DefRange.Ptr(),
			})
			continue
		}
		seen[b.Type] = b.DefRange
		switch b.Type {
		case "terraform":
			c, d := b.Body.Content(terraformSchema)
			diags = append(diags, d...)
			if a := c.Attributes["version"]; a != nil {
				r.TerraformVersion, d = evalString(a, ctx, scopeRootSettings)
				diags = append(diags, d...)
				r.TerraformVersionRange = a.Expr.Range()
			}
			if a := c.Attributes["binary"]; a != nil {
				v, d := evalString(a, ctx, scopeRootSettings)
				diags = append(diags, d...)
				if !d.HasErrors() && v == "" {
					diags = append(diags, attrError(a, "Empty binary", `binary names the program to run instead of terraform: "tofu", or a path to it.`))
				}
				if strings.ContainsRune(v, '/') {
					v = absFrom(dir, v)
				}
				r.TerraformBinary = v
			}
		case "providers":
			c, d := b.Body.Content(providersSchema)
			diags = append(diags, d...)
			if a := c.Attributes["mirror"]; a != nil {
				v, d := evalString(a, ctx, scopeRootSettings)
				diags = append(diags, d...)
				if v != "" {
					r.ProviderMirror = absFrom(dir, v)
				}
			}
			if a := c.Attributes["cache_dir"]; a != nil {
				v, d := evalString(a, ctx, scopeRootSettings)
				diags = append(diags, d...)
				if v != "" {
					r.PluginCacheDir = absFrom(dir, v)
				}
			}
		case "remote_state":
			c, d := b.Body.Content(remoteStateSchema)
			diags = append(diags, d...)
			r.remoteState = &remoteStateBlock{backend: c.Attributes["backend"], config: c.Attributes["config"], rng: b.DefRange}
		case "locals":
			attrs, d := b.Body.JustAttributes()
			diags = append(diags, d...)
			diags = append(diags, mergeLocals(&r.locals, attrs)...)
		case "parity":
			diags = append(diags, r.parseParity(b, ctx)...)
		case "retry":
			diags = append(diags, r.parseRetry(b, ctx)...)
		case "discover":
			diags = append(diags, r.parseDiscover(b)...)
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	l.root = r
	return r, diags
}
