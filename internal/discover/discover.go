// Package discover finds the files stackctl reads: the repository root, the
// environments under the live tree and the units of one environment. It reads
// directory listings only, never file contents, so that evaluation (package
// config) decides what is parsed and parses each file once.
package discover

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
		if !e.IsDir() || skipDir(e.Name()) {
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
func Units(envDir string) ([]string, error) {
	w := &walker{root: envDir}
	w.walk()
	if w.err != nil {
		return nil, w.err
	}
	sort.Strings(w.units)
	return w.units, nil
}

// walker lists folders concurrently: on large trees the walk is bound by
// one directory read per folder, which is slow system-call work that
// parallelises well. A unit folder is recognised from the listing already
// read, without a stat per folder.
type walker struct {
	root  string
	mu    sync.Mutex
	units []string
	err   error
	wg    sync.WaitGroup
	sem   chan struct{}
}

func (w *walker) walk() {
	w.sem = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)*2))
	w.wg.Add(1)
	w.visit(w.root, "")
	w.wg.Wait()
}

func (w *walker) visit(dir, rel string) {
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
		if rel != "" && name == UnitFile && e.Type().IsRegular() {
			w.mu.Lock()
			w.units = append(w.units, rel)
			w.mu.Unlock()
			continue
		}
		if !e.IsDir() || skipDir(name) {
			continue
		}
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		w.wg.Add(1)
		go w.visit(filepath.Join(dir, name), childRel)
	}
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".")
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}
