// Package convert writes the stackctl equivalent of a Terragrunt live tree:
// stackctl.hcl from the root configuration, one environment folder per
// Terragrunt environment (the account, region and env files it reads folded
// into env vars), one shared unit definition per included common file
// (_envcommon), and a unit.hcl per unit holding only what it sets itself.
//
// Terragrunt is never run. Its files are parsed with hclsyntax, the parts
// that decide the tree's shape (include paths, read_terragrunt_config,
// sources, dependency paths, the hierarchy files' locals) are evaluated
// statically with Terragrunt's path functions, and every other expression
// is rewritten in place, so comments and layout inside expressions survive.
// What has no stackctl form is reported with its file and line, never
// guessed at.
package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Options say what to convert.
type Options struct {
	// Dir is the Terragrunt tree: the folder of root.hcl (or of the root
	// terragrunt.hcl).
	Dir string
	// Project names the stackctl project; default: Dir's folder name.
	Project string
	// Out is where the stackctl tree will be written: local module
	// sources are made relative to it.
	Out string
	// EnvFile is the file that marks an environment folder; default
	// env.hcl. Units without one above them take the first folder below
	// Dir as their environment.
	EnvFile string
}

// Issue is one thing that was not converted.
type Issue struct {
	File      string `json:"file"` // relative to Dir, slash-separated
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	Construct string `json:"construct"`
	Reason    string `json:"reason"`
}

func (i Issue) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", i.File, i.Line, i.Column, i.Construct, i.Reason)
}

// File is one file of the stackctl tree.
type File struct {
	Path    string `json:"path"` // relative to the output folder, slash-separated
	Content []byte `json:"-"`
	// From is the Terragrunt file it was converted or copied from
	// (relative to Dir), empty for files made from several.
	From string `json:"from,omitempty"`
	// Copied marks a file copied unchanged from a unit folder.
	Copied bool `json:"copied,omitempty"`
}

// Env is one converted environment.
type Env struct {
	Name  string   `json:"name"`
	From  string   `json:"from"` // the Terragrunt folder, relative to Dir
	Units []string `json:"units"`
	// VarsFrom are the Terragrunt files whose locals became env vars.
	VarsFrom []string `json:"vars_from"`
}

// Shared is one shared unit definition.
type Shared struct {
	Path  string `json:"path"` // relative to the output folder
	From  string `json:"from"` // relative to Dir
	Units int    `json:"units"`
}

// Result is a converted tree, not yet written.
type Result struct {
	Dir          string   `json:"terragrunt_dir"`
	Out          string   `json:"out"`
	Project      string   `json:"project"`
	Envs         []Env    `json:"environments"`
	Shared       []Shared `json:"shared_units"`
	Files        []File   `json:"files"`
	NotConverted []Issue  `json:"not_converted"`
}

// Convert reads the Terragrunt tree at opts.Dir and returns the stackctl
// tree. Syntax errors in Terragrunt files are diagnostics; everything
// else that cannot be converted is an Issue in the result.
func Convert(opts Options) (*Result, hcl.Diagnostics) {
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, errDiag("Cannot read the Terragrunt tree", err.Error())
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errDiag("No Terragrunt tree at "+dir,
			"give the folder of the live tree's root.hcl (or of its root terragrunt.hcl): stackctl convert terragrunt DIR --out NEW_DIR")
	}
	if opts.Out, err = filepath.Abs(opts.Out); err != nil {
		return nil, errDiag("Cannot use the output folder", err.Error())
	}
	if opts.EnvFile == "" {
		opts.EnvFile = "env.hcl"
	}
	if opts.Project == "" {
		opts.Project = filepath.Base(dir)
	}
	c := newConverter(dir, opts)
	if diags := c.load(); diags.HasErrors() {
		return nil, diags
	}
	c.resolve()
	c.emit()
	return c.result(), nil
}

func errDiag(summary, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail}}
}

// result gathers what was made, in a stable order.
func (c *converter) result() *Result {
	r := &Result{Dir: c.dir, Out: c.opts.Out, Project: c.opts.Project, Files: c.files}
	for _, e := range c.envs {
		ev := Env{Name: e.name, From: e.rel}
		for _, u := range e.units {
			ev.Units = append(ev.Units, u.path)
		}
		for _, s := range e.stemOrder() {
			ev.VarsFrom = append(ev.VarsFrom, e.stems[s].rel)
		}
		r.Envs = append(r.Envs, ev)
	}
	for _, s := range c.shared {
		r.Shared = append(r.Shared, Shared{Path: s.outRel, From: s.file.rel, Units: len(s.units)})
	}
	seen := map[string]bool{}
	for _, i := range c.issues {
		k := i.String()
		if !seen[k] {
			seen[k] = true
			r.NotConverted = append(r.NotConverted, i)
		}
	}
	slices.SortStableFunc(r.NotConverted, func(a, b Issue) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	slices.SortFunc(r.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	if r.NotConverted == nil {
		r.NotConverted = []Issue{}
	}
	return r
}

// issue records something not converted at rng.
func (c *converter) issue(rng hcl.Range, construct, reason string) {
	rel := rng.Filename
	if r, err := filepath.Rel(c.dir, rng.Filename); err == nil {
		rel = filepath.ToSlash(r)
	}
	c.issues = append(c.issues, Issue{File: rel, Line: rng.Start.Line, Column: rng.Start.Column, Construct: construct, Reason: reason})
}
