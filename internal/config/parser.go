package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// files parses each HCL file once per invocation and remembers the sources
// so diagnostics can print snippets. Filenames in diagnostics are shown
// relative to the working directory when the file is below it.
type files struct {
	parser *hclparse.Parser
	cwd    string
	byPath map[string]*hcl.File
}

func newFiles(cwd string) *files {
	return &files{parser: hclparse.NewParser(), cwd: cwd, byPath: map[string]*hcl.File{}}
}

// parse reads and parses the file at the absolute path abs.
func (f *files) parse(abs string) (*hcl.File, hcl.Diagnostics) {
	if file, ok := f.byPath[abs]; ok {
		return file, nil
	}
	name := f.display(abs)
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration file",
			Detail:   fmt.Sprintf("%s: %v", name, err),
		}}
	}
	file, diags := f.parser.ParseHCL(src, name)
	if file != nil {
		f.byPath[abs] = file
	}
	return file, diags
}

// display turns an absolute path into the name shown to people.
func (f *files) display(abs string) string {
	if f.cwd == "" {
		return abs
	}
	rel, err := filepath.Rel(f.cwd, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}

// Files returns the parsed files by display name, as
// hcl.NewDiagnosticTextWriter wants them.
func (f *files) Files() map[string]*hcl.File { return f.parser.Files() }
