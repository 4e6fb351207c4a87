package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/discover"
)

// Options say which tree to read and how to reach the outside world.
type Options struct {
	// Dir is the working directory (absolute); the repository root is
	// searched upward from it unless RootDir is set.
	Dir     string
	RootDir string
	// Getenv backs get_env; nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// SSM backs ssm_parameter; nil makes the function an error.
	SSM SSMGetter
}

// Loader evaluates one invocation's configuration. It owns the parsed files
// so that callers can print diagnostics with source snippets.
type Loader struct {
	opts    Options
	files   *files
	base    *hcl.EvalContext
	root    *Root
	fileFns sync.Map // folder → map[string]function.Function
	dirs    sync.Map // path → bool, for isDir
}

// NewLoader prepares a loader; nothing is read until Root or Load.
func NewLoader(opts Options) *Loader {
	if opts.Getenv == nil {
		opts.Getenv = os.LookupEnv
	}
	l := &Loader{opts: opts, files: newFiles(opts.Dir)}
	l.base = &hcl.EvalContext{Functions: baseFunctions(opts.Getenv, makeSSMFunc(opts.SSM))}
	return l
}

// Files returns the parsed files for diagnostic printing.
func (l *Loader) Files() map[string]*hcl.File { return l.files.Files() }

// Display returns the path of a file as shown in messages.
func (l *Loader) Display(abs string) string { return l.files.display(abs) }

// Stack is one environment, evaluated up to (not including) unit inputs.
type Stack struct {
	Root  *Root
	Env   *Env
	Units []*Unit // sorted by path

	byPath map[string]*Unit
	loader *Loader
}

// Unit returns the unit with the given path, or nil.
func (s *Stack) Unit(path string) *Unit { return s.byPath[path] }

// UnitPaths lists every unit path, sorted.
func (s *Stack) UnitPaths() []string {
	out := make([]string, len(s.Units))
	for i, u := range s.Units {
		out[i] = u.Path
	}
	return out
}

// Display returns the path of a file as shown in messages.
func (s *Stack) Display(abs string) string { return s.loader.Display(abs) }

// Environments lists the environments of the repository, reading only the
// live folder's listing.
func (l *Loader) Environments() ([]string, hcl.Diagnostics) {
	root, diags := l.Root()
	if diags.HasErrors() {
		return nil, diags
	}
	envs, err := discover.Environments(root.LiveDir)
	if err != nil {
		return nil, hcl.Diagnostics{errorf("Cannot read the live folder", "%s: %v", l.Display(root.LiveDir), err)}
	}
	return envs, nil
}

// Load reads and evaluates one environment.
func (l *Loader) Load(envName string) (*Stack, hcl.Diagnostics) {
	root, diags := l.Root()
	if diags.HasErrors() {
		return nil, diags
	}
	if envName == "" {
		envs, _ := discover.Environments(root.LiveDir)
		return nil, hcl.Diagnostics{errorf("No environment given",
			"Name one as the first argument or in STACKCTL_ENV. Environments in %s: %s.", l.Display(root.LiveDir), listOrNone(envs))}
	}
	if strings.ContainsAny(envName, `/\`) || strings.HasPrefix(envName, ".") {
		envs, _ := discover.Environments(root.LiveDir)
		return nil, hcl.Diagnostics{errorf("Invalid environment name", "%q is not a folder name under %s. Environments there: %s.", envName, l.Display(root.LiveDir), listOrNone(envs))}
	}
	envDir := filepath.Join(root.LiveDir, envName)
	if _, err := os.Stat(filepath.Join(envDir, discover.EnvFile)); err != nil {
		envs, _ := discover.Environments(root.LiveDir)
		return nil, hcl.Diagnostics{errorf(fmt.Sprintf("Unknown environment %q", envName),
			"There is no %s. Environments in %s: %s.", l.Display(filepath.Join(envDir, discover.EnvFile)), l.Display(root.LiveDir), listOrNone(envs))}
	}
	env, diags := l.loadEnv(root, envName, envDir)
	if diags.HasErrors() {
		return nil, diags
	}
	paths, err := discover.Units(envDir)
	if err != nil {
		return nil, hcl.Diagnostics{errorf("Cannot read the environment folder", "%s: %v", l.Display(envDir), err)}
	}
	st := &Stack{Root: root, Env: env, byPath: make(map[string]*Unit, len(paths)), loader: l}
	for _, p := range paths {
		u := &Unit{Path: p, Name: p[strings.LastIndex(p, "/")+1:], Dir: filepath.Join(envDir, filepath.FromSlash(p))}
		u.File = filepath.Join(u.Dir, discover.UnitFile)
		st.Units = append(st.Units, u)
		st.byPath[p] = u
	}
	// Units are independent until their inputs are evaluated: parse and
	// evaluate them in parallel, keeping diagnostics in unit order.
	unitDiags := make([]hcl.Diagnostics, len(st.Units))
	parallel(len(st.Units), func(i int) { unitDiags[i] = l.loadUnit(st, st.Units[i]) })
	diags = appendUnique(diags, unitDiags)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, checkBackendKeys(st)...)
	if diags.HasErrors() {
		return nil, diags
	}
	return st, diags
}

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
	},
}

var (
	terraformSchema   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "version"}}}
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
	file, diags := l.files.parse(r.File)
	if diags.HasErrors() {
		return nil, diags
	}
	content, moreDiags := file.Body.Content(rootSchema)
	diags = append(diags, moreDiags...)
	if diags.HasErrors() {
		return nil, diags
	}

	ctx := l.fileContext(dir)
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

var envSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "vars"}, {Name: "inputs"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "locals"}},
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
	ctx := l.fileContext(dir)
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
	if a := content.Attributes["vars"]; a != nil {
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

var (
	unitSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "source"}, {Name: "inputs"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "dependency", LabelNames: []string{"name"}},
			{Type: "locals"},
			{Type: "verify", LabelNames: []string{"name"}},
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
	diags = append(diags, l.unitVerify(u, content.Blocks, ctx)...)

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

func copyVars(m map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// fileContext returns an evaluation context whose functions resolve paths
// relative to dir. The stateless functions live in the shared parent; the
// file functions of each folder are built once (the root and env folders
// serve every unit).
func (l *Loader) fileContext(dir string) *hcl.EvalContext {
	fns, ok := l.fileFns.Load(dir)
	if !ok {
		fns, _ = l.fileFns.LoadOrStore(dir, fileFunctions(dir, l.base.Functions))
	}
	ctx := l.base.NewChild()
	ctx.Functions = fns.(map[string]function.Function)
	return ctx
}

// parallel runs f(0..n-1) on as many goroutines as there are CPUs.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

func mergeLocals(dst *hcl.Attributes, attrs hcl.Attributes) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if *dst == nil {
		*dst = hcl.Attributes{}
	}
	for name, a := range attrs {
		if prev, dup := (*dst)[name]; dup {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate local",
				Detail: fmt.Sprintf("local.%s is already defined at %s.", name, diag.At(prev.NameRange)), Subject: a.NameRange.Ptr()})
			continue
		}
		(*dst)[name] = a
	}
	return diags
}

func absFrom(base, p string) string {
	p = expandHome(p)
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// hclIdentifier is hclsyntax.ValidIdentifier for ASCII names, without
// running HCL's scanner (about 2 µs) for every dependency block.
func hclIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (i > 0 && (r == '-' || r >= '0' && r <= '9'))
		if !ok {
			return false
		}
	}
	return true
}

// appendUnique appends the units' diagnostics, each once. Every unit
// evaluates the root file's locals and remote_state, so one mistake there
// would otherwise be reported once per unit.
func appendUnique(diags hcl.Diagnostics, perUnit []hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		severity        hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	seen := map[key]bool{}
	for _, ds := range perUnit {
		for _, d := range ds {
			k := key{severity: d.Severity, summary: d.Summary, detail: d.Detail}
			if d.Subject != nil {
				k.subject = *d.Subject
			}
			if seen[k] {
				continue
			}
			seen[k] = true
			diags = append(diags, d)
		}
	}
	return diags
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

func errorf(summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

func attrError(a *hcl.Attribute, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: a.Expr.Range().Ptr(), Context: a.Range.Ptr()}
}
