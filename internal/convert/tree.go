package convert

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

const unitFileName = "terragrunt.hcl"

// tgFile is one parsed Terragrunt file.
type tgFile struct {
	path   string // absolute
	rel    string // relative to the tree, slash-separated
	src    []byte
	body   *hclsyntax.Body
	locals map[string]*hclsyntax.Attribute
}

// tgUnit is one Terragrunt unit: a terragrunt.hcl no other file includes.
type tgUnit struct {
	file     *tgFile
	dir      string
	env      *tgEnv
	path     string // within the environment, slash-separated
	rootInc  *include
	includes []*include // in the order written, the root's included
}

// include is one include block of a unit, resolved.
type include struct {
	label  string
	file   *tgFile
	block  *hclsyntax.Block
	expose bool
	shared *sharedDef // nil for the root configuration
}

// tgEnv is one environment: the folder of an env.hcl (or the first folder
// below the tree) and the units below it.
type tgEnv struct {
	name  string
	dir   string
	rel   string
	units []*tgUnit
	// stems are the files read with read_terragrunt_config, by stem
	// (account, region, env): their locals become env vars.
	stems map[string]*tgFile
}

// stemOrder lists the env's hierarchy files outermost first, the order in
// which their locals are folded (an inner file's local wins, as in the
// usual merge(account, region, env) of Terragrunt roots).
func (e *tgEnv) stemOrder() []string {
	var out []string
	for s := range e.stems {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		di, dj := depth(e.stems[out[i]].rel), depth(e.stems[out[j]].rel)
		if di != dj {
			return di < dj
		}
		return out[i] < out[j]
	})
	return out
}

func depth(rel string) int { return strings.Count(rel, "/") }

// sharedDef is one shared unit definition: a file units include besides
// the root configuration (Terragrunt's _envcommon/<component>.hcl).
type sharedDef struct {
	name   string
	file   *tgFile
	outRel string // infra/units/<name>.hcl
	units  []*tgUnit
}

type converter struct {
	dir      string
	opts     Options
	rootFile *tgFile
	parsed   map[string]*tgFile
	units    []*tgUnit
	envs     []*tgEnv
	shared   []*sharedDef
	files    []File
	issues   []Issue
	ev       *evaluator
	// stemAt maps a read_terragrunt_config call (file and byte offset) to
	// the stem of the file it reads; stemBad marks calls that read
	// different kinds of file for different units.
	stemAt  map[callSite]string
	stemBad map[callSite]bool
	vars    *varNames
	// usesTGPath: some expression needs env.terragrunt_path.
	usesTGPath bool
	// keptLocals are, per file, the locals written into its stackctl file.
	keptLocals map[string]map[string]bool
	// depsOf are, per shared definition's file, the dependency blocks
	// converted, which its units' inputs may use.
	depsOf map[string]map[string]bool
}

type callSite struct {
	file string
	at   int
}

func newConverter(dir string, opts Options) *converter {
	c := &converter{dir: dir, opts: opts, parsed: map[string]*tgFile{}, stemAt: map[callSite]string{}, stemBad: map[callSite]bool{},
		keptLocals: map[string]map[string]bool{}, depsOf: map[string]map[string]bool{}}
	c.ev = newEvaluator(c)
	return c
}

// parse reads and parses path once.
func (c *converter) parse(path string) (*tgFile, hcl.Diagnostics) {
	if f, ok := c.parsed[path]; ok {
		return f, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, errDiag("Cannot read a Terragrunt file", err.Error())
	}
	hf, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	rel, _ := filepath.Rel(c.dir, path)
	f := &tgFile{path: path, rel: filepath.ToSlash(rel), src: src, body: hf.Body.(*hclsyntax.Body), locals: map[string]*hclsyntax.Attribute{}}
	for _, b := range f.body.Blocks {
		if b.Type == "locals" {
			for name, a := range b.Body.Attributes {
				f.locals[name] = a
			}
		}
	}
	c.parsed[path] = f
	return f, nil
}

// load finds the root configuration and the units, resolves includes and
// places every unit in an environment.
func (c *converter) load() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range []string{"root.hcl", unitFileName} {
		p := filepath.Join(c.dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			f, d := c.parse(p)
			if d.HasErrors() {
				return d
			}
			c.rootFile = f
			break
		}
	}
	var candidates []string
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != c.dir && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case name == unitFileName && (c.rootFile == nil || p != c.rootFile.path):
			candidates = append(candidates, p)
		case name == "terragrunt.stack.hcl":
			c.issue(hcl.Range{Filename: p, Start: hcl.InitialPos}, "terragrunt.stack.hcl",
				"Terragrunt stacks are not converted: run `terragrunt stack generate` and convert the units it writes")
		}
		return nil
	})
	if err != nil {
		return errDiag("Cannot read the Terragrunt tree", err.Error())
	}
	sort.Strings(candidates)
	var units []*tgUnit
	included := map[string]bool{}
	for _, p := range candidates {
		f, d := c.parse(p)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		u := &tgUnit{file: f, dir: filepath.Dir(p)}
		units = append(units, u)
	}
	if diags.HasErrors() {
		return diags
	}
	for _, u := range units {
		diags = append(diags, c.resolveIncludes(u)...)
		c.checkExposed(u)
		for _, inc := range u.includes {
			included[inc.file.path] = true
		}
	}
	if diags.HasErrors() {
		return diags
	}
	for _, u := range units {
		if !included[u.file.path] {
			c.units = append(c.units, u)
		}
	}
	for _, s := range c.shared {
		s.units = slices.DeleteFunc(s.units, func(u *tgUnit) bool { return included[u.file.path] })
	}
	c.shared = slices.DeleteFunc(c.shared, func(s *sharedDef) bool { return len(s.units) == 0 })
	if len(c.units) == 0 {
		return errDiag("No Terragrunt units found",
			"no terragrunt.hcl below "+c.dir+" (besides the root configuration): give the folder of the live tree's root.hcl")
	}
	c.placeUnits()
	return nil
}

// resolveIncludes evaluates u's include paths and sorts them into the root
// configuration and shared definitions.
func (c *converter) resolveIncludes(u *tgUnit) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range u.file.body.Blocks {
		if b.Type != "include" {
			continue
		}
		label := ""
		if len(b.Labels) > 0 {
			label = b.Labels[0]
		}
		pa := b.Body.Attributes["path"]
		if pa == nil {
			c.issue(b.DefRange(), "include", "it has no path")
			continue
		}
		v := c.ev.eval(u.file, pa.Expr, u.file.path, u, false)
		if !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.String {
			c.issue(pa.Expr.Range(), "include path", "cannot be worked out without running Terragrunt")
			continue
		}
		p := absFrom(u.dir, v.AsString())
		f, d := c.parse(p)
		if d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		inc := &include{label: label, file: f, block: b}
		if ea := b.Body.Attributes["expose"]; ea != nil {
			ev := c.ev.eval(u.file, ea.Expr, u.file.path, u, false)
			inc.expose = ev.IsKnown() && !ev.IsNull() && ev.Type() == cty.Bool && ev.True()
		}
		if c.rootFile != nil && f.path == c.rootFile.path {
			if u.rootInc == nil {
				u.rootInc = inc
			}
		} else {
			inc.shared = c.sharedFor(f)
			inc.shared.units = append(inc.shared.units, u)
		}
		u.includes = append(u.includes, inc)
	}
	return diags
}

// sharedFor returns the shared definition made from f, named after its
// file (mysql.hcl → infra/units/mysql.hcl), with the folder added when two
// included files share a name.
func (c *converter) sharedFor(f *tgFile) *sharedDef {
	for _, s := range c.shared {
		if s.file == f {
			return s
		}
	}
	name := ident(strings.TrimSuffix(filepath.Base(f.path), filepath.Ext(f.path)))
	for _, s := range c.shared {
		if s.name == name {
			name = ident(filepath.Base(filepath.Dir(f.path))) + "-" + name
		}
	}
	s := &sharedDef{name: name, file: f, outRel: "infra/units/" + name + ".hcl"}
	c.shared = append(c.shared, s)
	return s
}

// placeUnits puts every unit in the environment of the nearest env file
// above it (the one find_in_parent_folders would find), or else in the
// first folder below the tree.
func (c *converter) placeUnits() {
	byDir := map[string]*tgEnv{}
	var kept []*tgUnit
	for _, u := range c.units {
		envDir := ""
		for d := filepath.Dir(u.dir); strings.HasPrefix(d, c.dir) && len(d) > len(c.dir); d = filepath.Dir(d) {
			if fileExists(filepath.Join(d, c.opts.EnvFile)) {
				envDir = d
				break
			}
		}
		if envDir == "" {
			rel, _ := filepath.Rel(c.dir, u.dir)
			parts := strings.Split(filepath.ToSlash(rel), "/")
			if len(parts) < 2 {
				c.issue(hcl.Range{Filename: u.file.path, Start: hcl.InitialPos}, "unit",
					"it sits directly below the tree, with no "+c.opts.EnvFile+" above it: stackctl units live inside an environment folder; move it into one and convert again")
				continue
			}
			envDir = filepath.Join(c.dir, parts[0])
		}
		e := byDir[envDir]
		if e == nil {
			rel, _ := filepath.Rel(c.dir, envDir)
			e = &tgEnv{name: filepath.Base(envDir), dir: envDir, rel: filepath.ToSlash(rel), stems: map[string]*tgFile{}}
			byDir[envDir] = e
			c.envs = append(c.envs, e)
		}
		rel, _ := filepath.Rel(envDir, u.dir)
		u.env, u.path = e, filepath.ToSlash(rel)
		e.units = append(e.units, u)
		kept = append(kept, u)
	}
	c.units = kept
	// Environment names are folder names; two accounts with a "prod"
	// each become non-prod-…-prod style names, the folder path joined.
	count := map[string]int{}
	for _, e := range c.envs {
		count[e.name]++
	}
	for _, e := range c.envs {
		if count[e.name] > 1 {
			e.name = strings.ReplaceAll(e.rel, "/", "-")
		}
	}
	sort.Slice(c.envs, func(i, j int) bool { return c.envs[i].rel < c.envs[j].rel })
}

// unitAt returns the unit whose folder is dir.
func (c *converter) unitAt(dir string) *tgUnit {
	for _, u := range c.units {
		if u.dir == dir {
			return u
		}
	}
	return nil
}

func absFrom(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, filepath.FromSlash(p))
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// ident makes s usable as an HCL name.
func ident(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
