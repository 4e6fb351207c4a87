package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// MakePrivate makes the state file at path, its backup (path + ".backup",
// which terraform writes before every change) and their folder readable by
// the owner only: state holds every secret a unit's resources have. The
// folder (0700) guards files terraform creates world-readable until they
// are made 0600 here, after each run.
func MakePrivate(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	for _, p := range []string{path, path + ".backup"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
