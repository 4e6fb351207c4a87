package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// files parses each HCL file once per invocation and remembers the sources
// so diagnostics can print snippets. Filenames in diagnostics are shown
// relative to the working directory when the file is below it. Units are
// parsed concurrently, so it is safe for concurrent use (hclparse.Parser
// is not).
type files struct {
	cwd    string
	mu     sync.Mutex
	byPath map[string]*hcl.File
	byName map[string]*hcl.File
	parses int // files read and parsed, for the parse-once test
}

func newFiles(cwd string) *files {
	return &files{cwd: cwd, byPath: map[string]*hcl.File{}, byName: map[string]*hcl.File{}}
}

// parse reads and parses the file at the absolute path abs.
func (f *files) parse(abs string) (*hcl.File, hcl.Diagnostics) {
	f.mu.Lock()
	file, ok := f.byPath[abs]
	f.mu.Unlock()
	if ok {
		return file, nil
	}
	name := f.display(abs)
	src, err := os.ReadFile(abs)
	if err != nil {
		// The *PathError repeats the absolute path; the name is enough.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration file",
			Detail:   fmt.Sprintf("%s: %v", name, err),
		}}
	}
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if file != nil {
		f.mu.Lock()
		f.byPath[abs] = file
		f.byName[name] = file
		f.parses++
		f.mu.Unlock()
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

// byDisplayName returns a parsed file by the name shown in messages (the
// file name in ranges), or nil.
func (f *files) byDisplayName(name string) *hcl.File {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byName[name]
}

// Files returns the parsed files by display name, for diag.Write's
// snippets.
func (f *files) Files() map[string]*hcl.File {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]*hcl.File, len(f.byName))
	for k, v := range f.byName {
		out[k] = v
	}
	return out
}
