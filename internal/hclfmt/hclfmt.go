// Package hclfmt formats stackctl's own HCL files (stackctl.hcl, env.hcl,
// unit.hcl, and the shared files units include) the way `terraform fmt`
// formats .tf files: with hclwrite.Format, after a parse that reports syntax
// errors with their position instead of formatting broken files.
package hclfmt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/stackctl/stackctl/internal/discover"
)

// Options say which files to format and whether to write them.
type Options struct {
	// Root is stackctl's repository root (absolute).
	Root string
	// Extra are other files to format (absolute): the shared unit files
	// that unit.hcl files include.
	Extra []string
	// Check only reports: no file is written.
	Check bool
	// Display turns an absolute path into the name shown in results and
	// diagnostics; nil means relative to Root.
	Display func(abs string) string
}

// Result is what a run found and did.
type Result struct {
	// Files are every file read, as displayed, sorted.
	Files []string
	// Unformatted are the files whose formatting differs: rewritten, or
	// with Check, the ones that would be.
	Unformatted []string
	// Diagnostics are syntax errors (file:line:col); such files are left
	// alone.
	Diagnostics hcl.Diagnostics
	// Sources holds the parsed files by displayed name, for printing the
	// diagnostics with snippets (diag.Write).
	Sources map[string]*hcl.File
}

// OK reports whether the run succeeded: no syntax errors, and with Check,
// nothing unformatted.
func (r *Result) OK(check bool) bool {
	return !r.Diagnostics.HasErrors() && (!check || len(r.Unformatted) == 0)
}

// Run formats (or checks) the repository's stackctl files.
func Run(opts Options) (*Result, error) {
	display := opts.Display
	if display == nil {
		display = func(abs string) string {
			if rel, err := filepath.Rel(opts.Root, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return rel
			}
			return abs
		}
	}
	paths, err := Find(opts.Root)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range paths {
		seen[p] = true
	}
	for _, p := range opts.Extra {
		if p = filepath.Clean(p); !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	res := &Result{Sources: map[string]*hcl.File{}}
	for _, p := range paths {
		name := display(p)
		res.Files = append(res.Files, name)
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		out, file, diags := Format(src, name)
		if file != nil {
			res.Sources[name] = file
		}
		if diags.HasErrors() {
			res.Diagnostics = append(res.Diagnostics, diags...)
			continue
		}
		if bytes.Equal(out, src) {
			continue
		}
		res.Unformatted = append(res.Unformatted, name)
		if !opts.Check {
			if err := writeFile(p, out); err != nil {
				return nil, fmt.Errorf("writing %s: %w", name, err)
			}
		}
	}
	return res, nil
}

// Format returns src formatted. A file that does not parse is returned
// unchanged with its diagnostics, and the parsed file for their snippets.
func Format(src []byte, filename string) ([]byte, *hcl.File, hcl.Diagnostics) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return src, file, diags
	}
	return hclwrite.Format(src), file, nil
}

// Find lists stackctl's files under root: root's stackctl.hcl and every
// env.hcl and unit.hcl, absolute and sorted. Hidden folders (.git,
// .terraform, .stackctl) are not entered, nor folders with a stackctl.hcl
// of their own: those are other repositories (examples, fixtures).
func Find(root string) ([]string, error) {
	root = filepath.Clean(root)
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, discover.RootFile)); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case name == discover.RootFile && filepath.Dir(p) == root,
			name == discover.EnvFile, name == discover.UnitFile:
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// writeFile replaces a file through a temporary file and rename, keeping
// its mode.
func writeFile(path string, data []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
