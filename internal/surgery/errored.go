package surgery

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/state"
)

// When terraform cannot save a state (the backend refused or went away in
// the middle of an apply) it writes what it has to errored.tfstate in the
// folder it runs in. That folder is a cache that the next run rebuilds, so
// the engine moves the file out at once, into
// <root>/.stackctl/errored/<env>/<unit path>/<UTC time>.tfstate (0600:
// states hold secrets), and `stackctl state push-errored` pushes it.

// ErroredFile is the name terraform gives a state it could not save.
const ErroredFile = "errored.tfstate"

// ErroredDir is where a unit's errored states are kept.
func ErroredDir(root, env, unit string) string {
	return filepath.Join(root, ".stackctl", "errored", env, filepath.FromSlash(unit))
}

// KeepErrored moves errored.tfstate out of a unit's working folder into
// ErroredDir and returns where it went ("" when there was none).
func KeepErrored(workDir, root, env, unit string) (string, error) {
	src := filepath.Join(workDir, ErroredFile)
	data, err := os.ReadFile(src)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	dir := ErroredDir(root, env, unit)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, time.Now().UTC().Format("20060102T150405.000000000Z")+".tfstate")
	if err := writeAtomic(dst, data, 0o600); err != nil {
		return "", err
	}
	return dst, os.Remove(src)
}

// ErroredState is one kept errored state.
type ErroredState struct {
	Unit    string    `json:"unit"`
	Path    string    `json:"path"`
	Kept    time.Time `json:"kept"`
	Serial  uint64    `json:"serial"`
	Lineage string    `json:"lineage"`
	// Resources counts the instances in it.
	Resources int `json:"resources"`
}

// ListErrored returns the errored states kept for an environment's units
// (all of them when units is empty), oldest first per unit.
func ListErrored(root, env string, units []string) ([]*ErroredState, error) {
	base := filepath.Join(root, ".stackctl", "errored", env)
	var out []*ErroredState
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.SkipAll
		}
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".tfstate") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, _ := filepath.Rel(base, filepath.Dir(p))
		unit := filepath.ToSlash(rel)
		if len(units) > 0 && !contains(units, unit) {
			return nil
		}
		e := &ErroredState{Unit: unit, Path: p}
		if t, err := time.Parse("20060102T150405.000000000Z", strings.TrimSuffix(d.Name(), ".tfstate")); err == nil {
			e.Kept = t
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		st, err := state.Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		e.Serial, e.Lineage, e.Resources = st.Serial, st.Lineage, st.Instances()
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Unit != out[j].Unit {
			return out[i].Unit < out[j].Unit
		}
		return out[i].Path < out[j].Path
	})
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// donePushed moves a pushed errored state aside (pushed/ beside it), so
// that it is never offered again but stays until someone deletes it.
func donePushed(e *ErroredState) error {
	dir := filepath.Join(filepath.Dir(e.Path), "pushed")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Rename(e.Path, filepath.Join(dir, filepath.Base(e.Path)))
}
