package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/stackctl/stackctl/internal/discover"
)

// files parses each HCL file once per invocation and remembers the sources
// so diagnostics can print snippets. Filenames in diagnostics are shown
// relative to the working directory when the file is below it. Units are
// parsed concurrently, so it is safe for concurrent use (hclparse.Parser
// is not).
//
// Only the bytes are kept for the whole command (byName, for snippets); a
// syntax tree stays in byPath until release, so that a file many units
// include is parsed once, and a unit.hcl's tree, read by its unit alone,
// can go once the unit is loaded (it is about 25 times the file's size).
type files struct {
	cwd    string
	mu     sync.Mutex
	byPath map[string]*parsed
	byName map[string]*hcl.File // Bytes only
	parses int                  // files read and parsed, for the parse-once test
}

// parsed is one file's parse, done once however many units ask for it at
// the same time (an included file is read by every unit that includes it).
type parsed struct {
	once  sync.Once
	file  *hcl.File
	diags hcl.Diagnostics
}

func newFiles(cwd string) *files {
	return &files{cwd: cwd, byPath: map[string]*parsed{}, byName: map[string]*hcl.File{}}
}

// parse reads and parses the file at the absolute path abs. Every caller
// gets the same file and diagnostics.
func (f *files) parse(abs string) (*hcl.File, hcl.Diagnostics) {
	f.mu.Lock()
	p, ok := f.byPath[abs]
	if !ok {
		p = &parsed{}
		f.byPath[abs] = p
	}
	f.mu.Unlock()
	p.once.Do(func() { p.file, p.diags = f.read(abs) })
	return p.file, p.diags
}

func (f *files) read(abs string) (*hcl.File, hcl.Diagnostics) {
	name := f.display(abs)
	src, err := readRegular(abs)
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
	f.mu.Lock()
	f.byName[name] = &hcl.File{Bytes: src}
	f.mu.Unlock()
	if d := notText(src, name); d != nil {
		// HCL would report every byte of a binary file, each with its line.
		return nil, hcl.Diagnostics{d}
	}
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	f.mu.Lock()
	f.parses++
	f.mu.Unlock()
	return file, diags
}

// release forgets the syntax tree of a file no one will ask for again (a
// loaded unit's unit.hcl); its bytes stay for snippets. Asking again reads
// and parses it anew.
func (f *files) release(abs string) {
	f.mu.Lock()
	delete(f.byPath, abs)
	f.mu.Unlock()
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

// byDisplayName returns a file's bytes by the name shown in messages (the
// file name in ranges), or nil.
func (f *files) byDisplayName(name string) *hcl.File {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byName[name]
}

// Files returns the files read, by display name, for diag.Write's
// snippets: Bytes only, no Body.
func (f *files) Files() map[string]*hcl.File {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]*hcl.File, len(f.byName))
	for k, v := range f.byName {
		out[k] = v
	}
	return out
}

// MaxFileSize bounds every file stackctl reads while evaluating
// configuration: the HCL files themselves and what file(), filebase64() and
// templatefile() read. A configuration file is text written by people; the
// limit keeps a mistake like file("/dev/zero") or a misplaced archive from
// exhausting memory.
const MaxFileSize = 16 << 20

// readRegular reads a regular file (or a link to one) of at most
// MaxFileSize bytes. Named pipes, devices and folders are refused before
// they are opened: reading a pipe blocks, a device may never end.
func readRegular(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", filepath.Base(path), discover.Kind(info.Mode()))
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d MiB stackctl reads", filepath.Base(path), info.Size(), MaxFileSize>>20)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%s grew past the %d MiB stackctl reads while it was read", filepath.Base(path), MaxFileSize>>20)
	}
	return b, nil
}

// notText reports a file that is not UTF-8 text (or holds NUL bytes, which
// no text editor writes), at the first offending byte.
func notText(src []byte, name string) *hcl.Diagnostic {
	if utf8.Valid(src) && bytes.IndexByte(src, 0) < 0 {
		return nil
	}
	bad := 0
	for bad < len(src) {
		r, n := utf8.DecodeRune(src[bad:])
		if r == 0 || r == utf8.RuneError && n <= 1 {
			break
		}
		bad += n
	}
	line := 1 + bytes.Count(src[:bad], []byte("\n"))
	col := 1 + utf8.RuneCount(src[bytes.LastIndexByte(src[:bad], '\n')+1:bad])
	pos := hcl.Pos{Line: line, Column: col, Byte: bad}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Not a text file",
		Detail:   fmt.Sprintf("%s must be UTF-8 text, but byte %d (line %d) is not. Is it the file you meant?", name, bad, line),
		Subject:  &hcl.Range{Filename: name, Start: pos, End: hcl.Pos{Line: line, Column: col + 1, Byte: bad + 1}},
	}
}
