package vcs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/terraform"
)

// moduleUse is one unit's use of a module folder.
type moduleUse struct {
	unit string
	// from is the unit's own source module when the folder is a module
	// that one calls ("" when it is the source module itself).
	from string
}

// matcher attributes changed files (paths relative to top) to units.
type matcher struct {
	top      string
	reasons  map[string][]Reason
	unitDirs map[string]string      // unit folder → unit path
	modules  map[string][]moduleUse // module folder → its users
	extra    map[string][]string    // extra file or folder → units
}

// indexModules records, for every unit with a local source, the folder
// terraform runs in and every local module called from there. Units share
// modules, so each module's calls are read once.
func (m *matcher) indexModules(st *config.Stack) error {
	calls := map[string][]string{}
	for _, u := range st.Units {
		if !u.Source.Local || u.Source.None {
			continue
		}
		dir := filepath.Join(u.Source.Dir, filepath.FromSlash(u.Source.Subdir))
		called, ok := calls[dir]
		if !ok {
			var err error
			called, err = terraform.LocalModuleDirs(dir)
			if err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("reading the module calls of %s (unit %s): %w", u.Source.Raw, u.Path, err)
			}
			calls[dir] = called
		}
		self := m.rel(dir)
		m.modules[self] = append(m.modules[self], moduleUse{unit: u.Path})
		for _, c := range called {
			r := m.rel(c)
			m.modules[r] = append(m.modules[r], moduleUse{unit: u.Path, from: self})
		}
	}
	return nil
}

// matchModules selects the users of every module folder holding f (at any
// depth: templates and nested modules live below a module). The module
// named is the nearest folder.
func (m *matcher) matchModules(f ChangedFile) bool {
	matched := false
	done := map[string]bool{}
	for dir := path.Dir(f.Path); ; dir = path.Dir(dir) {
		for _, use := range m.modules[dir] {
			if done[use.unit] {
				continue
			}
			done[use.unit] = true
			matched = true
			m.add(use.unit, Reason{Kind: ReasonModule, File: f.Path, Status: f.Status, Module: dir, CalledFrom: use.from})
		}
		if dir == "." || dir == "/" {
			return matched
		}
	}
}

// matchExtra selects the units that read f, or a folder holding it.
func (m *matcher) matchExtra(f ChangedFile) bool {
	matched := false
	done := map[string]bool{}
	for p := f.Path; ; p = path.Dir(p) {
		for _, u := range m.extra[p] {
			if !done[u] {
				done[u] = true
				matched = true
				m.add(u, Reason{Kind: ReasonFile, File: f.Path, Status: f.Status})
			}
		}
		if p == "." || p == "/" {
			return matched
		}
	}
}

// owner is the deepest unit (or deleted unit) whose folder holds the file:
// nested units own their own files.
func (m *matcher) owner(file, envDir string, deletedDirs map[string]bool) (unit string, deleted bool) {
	for dir := path.Dir(file); dir != envDir && under(dir, envDir); dir = path.Dir(dir) {
		if u, ok := m.unitDirs[dir]; ok {
			return u, false
		}
		if deletedDirs[dir] {
			return "", true
		}
	}
	return "", false
}

func (m *matcher) add(unit string, r Reason) {
	for _, have := range m.reasons[unit] {
		if have.Kind == r.Kind && have.File == r.File && have.Module == r.Module {
			return
		}
	}
	m.reasons[unit] = append(m.reasons[unit], r)
}

func (m *matcher) addAll(st *config.Stack, r Reason) {
	for _, u := range st.Units {
		m.add(u.Path, r)
	}
}

// rel turns an absolute path into git's form: relative to the top level,
// '/'-separated. git resolves symbolic links in the top level (a temporary
// folder on macOS, a symlinked checkout), so the path is resolved too, as
// far as it exists.
func (m *matcher) rel(abs string) string {
	r, err := filepath.Rel(m.top, realPath(abs))
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}

func realPath(p string) string {
	p = filepath.Clean(p)
	var rest []string
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(append([]string{p}, rest...)...)
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

// under reports whether p is inside dir (both relative to the top level).
func under(p, dir string) bool {
	return dir == "." || strings.HasPrefix(p, dir+"/")
}
