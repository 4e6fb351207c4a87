package terraform

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LockFile is terraform's dependency lock file. stackctl keeps it in the
// unit folder, committed, the way Terragrunt keeps it next to each unit:
// then a laptop and CI install the same provider versions and packages.
const LockFile = ".terraform.lock.hcl"

// CopyLockIn puts the unit folder's lock file into the working folder (where
// terraform runs) before init. It reports whether the working folder's copy
// changed; init must then run even when nothing else changed, since the lock
// file decides which provider versions are installed. With no lock file in
// the unit folder the working folder's copy is removed, so that init chooses
// versions as a fresh clone would, instead of keeping what an old run chose.
func CopyLockIn(unitDir, workDir string) (changed bool, err error) {
	src := filepath.Join(unitDir, LockFile)
	dst := filepath.Join(workDir, LockFile)
	want, err := os.ReadFile(src)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.Remove(dst); err == nil {
			return true, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return false, err
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the lock file: %w", err)
	}
	if have, err := os.ReadFile(dst); err == nil && bytes.Equal(have, want) {
		return false, nil
	}
	if err := writeFileAtomic(dst, want, 0o644); err != nil {
		return false, fmt.Errorf("copying %s into the working folder: %w", src, err)
	}
	return true, nil
}

// CopyLockBack copies the working folder's lock file into the unit folder
// after a successful init (or `terraform providers lock`), only when it
// differs, so that the new or updated file can be committed. It reports
// whether the unit's lock file changed.
func CopyLockBack(workDir, unitDir string) (changed bool, err error) {
	data, err := os.ReadFile(filepath.Join(workDir, LockFile))
	if errors.Is(err, os.ErrNotExist) {
		// A configuration without providers has no lock file.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	dst := filepath.Join(unitDir, LockFile)
	if have, err := os.ReadFile(dst); err == nil && bytes.Equal(have, data) {
		return false, nil
	}
	if err := writeFileAtomic(dst, data, 0o644); err != nil {
		return false, fmt.Errorf("writing the unit's lock file %s: %w", dst, err)
	}
	return true, nil
}

// CopyLockIn is CopyLockIn for this working folder's unit.
func (w *Workdir) CopyLockIn() (bool, error) { return CopyLockIn(w.unit.Dir, w.Dir) }

// CopyLockBack is CopyLockBack for this working folder's unit.
func (w *Workdir) CopyLockBack() (bool, error) { return CopyLockBack(w.Dir, w.unit.Dir) }

// unitLockHash identifies the unit folder's lock file for the init key: a
// lock file changed by a pull or by hand must run init, which installs
// what it pins.
func (w *Workdir) unitLockHash() string {
	data, err := os.ReadFile(filepath.Join(w.unit.Dir, LockFile))
	if err != nil {
		return "no lock file"
	}
	return hashBytes(data)
}

// lockBack copies the lock file back after a successful init and records
// whether the unit's copy changed (LockChanged).
func (w *Workdir) lockBack() error {
	changed, err := w.CopyLockBack()
	if err != nil {
		return fmt.Errorf("after init: %w", err)
	}
	w.lockChanged = w.lockChanged || changed
	return nil
}

// LockChanged reports whether an init (or providers lock) in this working
// folder wrote the unit folder's lock file: the user should commit it.
func (w *Workdir) LockChanged() bool { return w.lockChanged }
