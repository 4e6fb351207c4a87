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
	"sort"
	"strings"
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
	var units []string
	err := walkDirs(envDir, "", &units)
	if err != nil {
		return nil, err
	}
	sort.Strings(units)
	return units, nil
}

// walkDirs is a hand-rolled walk rather than filepath.WalkDir so that a unit
// folder is recognised from the listing it already read, without a stat per
// folder: this is the hot path for large trees.
func walkDirs(dir, rel string, out *[]string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if rel != "" && name == UnitFile && e.Type().IsRegular() {
			*out = append(*out, rel)
			continue
		}
		if !e.IsDir() || skipDir(name) {
			continue
		}
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		if err := walkDirs(filepath.Join(dir, name), childRel, out); err != nil {
			return err
		}
	}
	return nil
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".")
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

// IsNotExist reports whether err says a folder or file is missing.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
