package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// MakePrivate makes the state file at path, its backup (path + ".backup",
// which terraform writes before every change) and their folder readable by
// the owner only: state holds every secret a unit's resources have.
// Terraform keeps the mode of a file that exists and creates a new one
// world-readable, so both files are created empty (0600) when missing;
// terraform reads an empty state file as no state.
func MakePrivate(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	for _, p := range []string{path, path + ".backup"} {
		f, err := os.OpenFile(p, os.O_RDONLY|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		f.Close()
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
