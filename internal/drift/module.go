package drift

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Module is a unit's configuration as terraform runs it, read from the
// working folder's .tf files (and the child modules terraform init
// recorded in .terraform/modules/modules.json). The plan JSON carries no
// lifecycle settings, so ignore_changes comes from here.
type Module struct {
	mods map[string]*moduleFiles // module key: "" root, "net", "net.subnets"
}

type moduleFiles struct {
	dir       string
	src       map[string][]byte // file name → content
	resources map[string]*resourceBlock
	locals    map[string]*hclsyntax.Attribute
	calls     map[string]*hclsyntax.Body // module blocks by name
}

type resourceBlock struct {
	file      string
	body      *hclsyntax.Body
	ignoreAll bool
	ignore    [][]any
}

// LoadModule reads the configuration in dir, the folder terraform ran in.
// Files that do not parse are reported in the diagnostics; what parsed is
// still used.
func LoadModule(dir string) (*Module, hcl.Diagnostics) {
	m := &Module{mods: map[string]*moduleFiles{}}
	root, diags := loadFiles(dir)
	m.mods[""] = root
	manifest, err := os.ReadFile(filepath.Join(dir, ".terraform", "modules", "modules.json"))
	if err != nil {
		return m, diags
	}
	var recs struct {
		Modules []struct{ Key, Dir string }
	}
	if err := json.Unmarshal(manifest, &recs); err != nil {
		return m, append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Unreadable module manifest", Detail: err.Error()})
	}
	for _, r := range recs.Modules {
		if r.Key == "" {
			continue
		}
		d := r.Dir
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		mf, ds := loadFiles(d)
		diags = append(diags, ds...)
		m.mods[r.Key] = mf
	}
	return m, diags
}

func loadFiles(dir string) (*moduleFiles, hcl.Diagnostics) {
	mf := &moduleFiles{dir: dir, src: map[string][]byte{}, resources: map[string]*resourceBlock{}, locals: map[string]*hclsyntax.Attribute{}, calls: map[string]*hclsyntax.Body{}}
	names, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return mf, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot list the module's files", Detail: err.Error()}}
	}
	sort.Strings(names)
	var diags hcl.Diagnostics
	for _, path := range names {
		src, err := os.ReadFile(path)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read a module file", Detail: err.Error()})
			continue
		}
		name := filepath.Base(path)
		f, ds := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		diags = append(diags, ds...)
		if f == nil {
			continue
		}
		mf.src[name] = src
		body, _ := f.Body.(*hclsyntax.Body)
		if body == nil {
			continue
		}
		for _, b := range body.Blocks {
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				mf.resources[b.Labels[0]+"."+b.Labels[1]] = newResourceBlock(name, b.Body)
			case b.Type == "locals":
				for n, a := range b.Body.Attributes {
					mf.locals[n] = a
				}
			case b.Type == "module" && len(b.Labels) == 1:
				mf.calls[b.Labels[0]] = b.Body
			}
		}
	}
	return mf, diags
}

func newResourceBlock(file string, body *hclsyntax.Body) *resourceBlock {
	r := &resourceBlock{file: file, body: body}
	for _, lc := range body.Blocks {
		if lc.Type != "lifecycle" {
			continue
		}
		a := lc.Body.Attributes["ignore_changes"]
		if a == nil {
			continue
		}
		if hcl.ExprAsKeyword(a.Expr) == "all" {
			r.ignoreAll = true
			continue
		}
		items, diags := hcl.ExprList(a.Expr)
		if diags.HasErrors() {
			continue
		}
		for _, it := range items {
			if steps, err := traversalSteps(it); err == nil {
				r.ignore = append(r.ignore, steps)
			}
		}
	}
	return r
}

// traversalSteps turns an ignore_changes item (tags, tags["Name"],
// network_configuration[0].subnets, or the old quoted form) into steps.
func traversalSteps(e hcl.Expression) ([]any, error) {
	tr, diags := hcl.AbsTraversalForExpr(e)
	if diags.HasErrors() {
		v, ds := e.Value(nil)
		if ds.HasErrors() || v.Type() != cty.String || v.IsNull() {
			return nil, errors.New("not a traversal")
		}
		tr, diags = hclsyntax.ParseTraversalAbs([]byte(v.AsString()), "", hcl.InitialPos)
		if diags.HasErrors() {
			return nil, diags
		}
	}
	var steps []any
	for _, t := range tr {
		switch s := t.(type) {
		case hcl.TraverseRoot:
			steps = append(steps, s.Name)
		case hcl.TraverseAttr:
			steps = append(steps, s.Name)
		case hcl.TraverseIndex:
			switch {
			case s.Key.Type() == cty.String:
				steps = append(steps, s.Key.AsString())
			case s.Key.Type() == cty.Number:
				i, _ := s.Key.AsBigFloat().Int64()
				steps = append(steps, int(i))
			}
		}
	}
	return steps, nil
}

var moduleIndex = regexp.MustCompile(`\["(?:[^"\\]|\\.)*"\]|\[[0-9]+\]`)

// moduleKey turns a module address (module.net["a"].module.subnets) into
// the key terraform's module manifest uses (net.subnets).
func moduleKey(addr string) string {
	if addr == "" {
		return ""
	}
	parts := strings.Split(moduleIndex.ReplaceAllString(addr, ""), ".")
	var names []string
	for i := 0; i+1 < len(parts); i += 2 {
		names = append(names, parts[i+1])
	}
	return strings.Join(names, ".")
}

func (m *Module) resource(moduleAddr, typ, name string) (*moduleFiles, *resourceBlock) {
	if m == nil {
		return nil, nil
	}
	mf := m.mods[moduleKey(moduleAddr)]
	if mf == nil {
		return nil, nil
	}
	return mf, mf.resources[typ+"."+name]
}

// Ignored reports whether lifecycle.ignore_changes of the resource covers
// the attribute at steps.
func (m *Module) Ignored(moduleAddr, typ, name string, steps []any) bool {
	_, r := m.resource(moduleAddr, typ, name)
	if r == nil {
		return false
	}
	if r.ignoreAll {
		return true
	}
	for _, p := range r.ignore {
		if prefix(p, steps) {
			return true
		}
	}
	return false
}

func prefix(p, steps []any) bool {
	if len(p) > len(steps) {
		return false
	}
	for i := range p {
		if p[i] != steps[i] {
			return false
		}
	}
	return true
}
