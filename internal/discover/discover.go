// Package discover finds the files stackctl reads: the repository root, the
// environments under the live tree and the units of one environment. It reads
// directory listings only, never file contents, so that evaluation (package
// config) decides what is parsed and parses each file once.
package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// File names that carry meaning in a live tree.
const (
	RootFile = "stackctl.hcl"
	EnvFile  = "env.hcl"
	UnitFile = "unit.hcl"
)

// ErrNoRoot is returned when no stackctl.hcl exists at or above the start
// folder.
var ErrNoRoot = errors.New("no " + RootFile + " found")

// FindRoot returns the nearest folder at or above start that holds
// stackctl.hcl. start must be absolute.
func FindRoot(start string) (string, error) {
	dir := filepath.Clean(start)
	for {
		if fileExists(filepath.Join(dir, RootFile)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w in %s or any folder above it: run stackctl inside a repository that has one, or pass --root DIR", ErrNoRoot, start)
		}
		dir = parent
	}
}

// Environments lists the environment names under liveDir: the sub-folders
// that hold an env.hcl. Only directory entries are read.
func Environments(liveDir string) ([]string, error) {
	entries, err := os.ReadDir(liveDir)
	if err != nil {
		return nil, err
	}
	var envs []string
	for _, e := range entries {
		// A linked environment folder counts: Stat follows the link.
		if skipDir(e.Name()) || !(e.IsDir() || e.Type()&fs.ModeSymlink != 0) {
			continue
		}
		if fileExists(filepath.Join(liveDir, e.Name(), EnvFile)) {
			envs = append(envs, e.Name())
		}
	}
	sort.Strings(envs)
	return envs, nil
}

// Units walks envDir and returns the path of every folder holding a
// unit.hcl, relative to envDir and '/'-separated, sorted. Units may nest
// (apps/api); hidden folders (.terraform, .stackctl, .git) are never entered.
//
// Nothing is dropped silently: symbolic links to folders are followed
// (a link to a folder that contains it is refused, since following it would
// never end), a unit.hcl that is a link to a regular file is a unit, and a
// unit.hcl that is anything else (a folder, a dangling link, a named pipe)
// is reported in a *Problems error together with the units that were found.
func Units(envDir string) ([]string, error) {
	w := &walker{root: envDir}
	w.walk()
	if w.err != nil {
		return nil, w.err
	}
	sort.Strings(w.units)
	if len(w.problems) > 0 {
		slices.SortFunc(w.problems, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
		return w.units, &Problems{List: w.problems}
	}
	return w.units, nil
}

// Problem is one entry of the live tree that looks like a unit but cannot
// be read as one.
type Problem struct {
	Path   string // absolute
	Detail string // what is wrong and what to do, without the path
}

// Problems lists every such entry of one walk.
type Problems struct{ List []Problem }

func (p *Problems) Error() string {
	parts := make([]string, len(p.List))
	for i, pr := range p.List {
		parts[i] = pr.Path + ": " + pr.Detail
	}
	return strings.Join(parts, "; ")
}

// walker lists folders concurrently: on large trees the walk is bound by
// one directory read per folder, which is slow system-call work that
// parallelises well. A unit folder is recognised from the listing already
// read, without a stat per folder; only symbolic links cost a stat.
type walker struct {
	root     string
	mu       sync.Mutex
	units    []string
	problems []Problem
	err      error
	wg       sync.WaitGroup
	sem      chan struct{}
}

func (w *walker) walk() {
	w.sem = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)*2))
	w.wg.Add(1)
	w.visit(w.root, "", nil)
	w.wg.Wait()
}

func (w *walker) problem(path, format string, args ...any) {
	w.mu.Lock()
	w.problems = append(w.problems, Problem{Path: path, Detail: fmt.Sprintf(format, args...)})
	w.mu.Unlock()
}

// visit reads one folder. links holds the real paths of the linked folders
// followed to get here, for loop detection; it is nil until the first link.
func (w *walker) visit(dir, rel string, links []string) {
	defer w.wg.Done()
	w.sem <- struct{}{}
	entries, err := os.ReadDir(dir)
	<-w.sem
	if err != nil {
		w.mu.Lock()
		if w.err == nil {
			w.err = err
		}
		w.mu.Unlock()
		return
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		typ := e.Type()
		if rel != "" && name == UnitFile {
			w.unitFile(path, rel, typ)
			continue
		}
		if skipDir(name) {
			continue
		}
		childLinks := links
		if typ&fs.ModeSymlink != 0 {
			info, err := os.Stat(path)
			if err != nil {
				target, _ := os.Readlink(path)
				w.problem(path, "is a symbolic link to %s, which cannot be read (%v). If it was meant to be a unit folder, fix the link; otherwise remove it.", target, errors.Unwrap(err))
				continue
			}
			if !info.IsDir() {
				continue // a link to a file: not a unit folder
			}
			real, err := filepath.EvalSymlinks(path)
			if err != nil {
				w.problem(path, "cannot follow the symbolic link: %v", err)
				continue
			}
			if w.loops(real, dir, links) {
				w.problem(path, "is a symbolic link to %s, which contains it: following it would never end. Remove the link, or point it at a folder outside the environment.", real)
				continue
			}
			childLinks = append(slices.Clip(links), real)
		} else if !e.IsDir() {
			continue
		}
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		w.wg.Add(1)
		go w.visit(path, childRel, childLinks)
	}
}

// loops reports whether the linked folder real holds the folder being
// read (dir, or the environment) or any folder a link on this path
// already led to.
func (w *walker) loops(real, dir string, links []string) bool {
	within := func(p string) bool {
		return p == real || strings.HasPrefix(p, real+string(filepath.Separator))
	}
	for _, p := range append([]string{dir, w.root}, links...) {
		if rp, err := filepath.EvalSymlinks(p); err == nil && within(rp) {
			return true
		}
	}
	return false
}

func (w *walker) unitFile(path, rel string, typ fs.FileMode) {
	if typ.IsRegular() {
		w.addUnit(rel)
		return
	}
	if typ.IsDir() {
		w.problem(path, "is a folder, not a file: a unit's configuration is a file named %s.", UnitFile)
		return
	}
	if typ&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(path)
		info, err := os.Stat(path)
		switch {
		case err != nil:
			w.problem(path, "is a symbolic link to %s, which cannot be read (%v). Fix or remove the link.", target, errors.Unwrap(err))
		case info.Mode().IsRegular():
			w.addUnit(rel)
		default:
			w.problem(path, "is a symbolic link to %s, which is %s, not a regular file.", target, Kind(info.Mode()))
		}
		return
	}
	w.problem(path, "is %s, not a regular file: stackctl reads only regular files (or links to them).", Kind(typ))
}

func (w *walker) addUnit(rel string) {
	w.mu.Lock()
	w.units = append(w.units, rel)
	w.mu.Unlock()
}

// Kind names a file type for people: "a folder", "a named pipe (FIFO)".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "not a regular file (" + m.Type().String() + ")"
	}
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".")
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}
