package terraform

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// writeFileAtomic replaces a file through a temporary file and rename, so
// a reader (or an interrupted run) never sees half a file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeIfChanged writes only when the content differs, keeping mtimes (and
// anything keyed on them) stable across no-op runs. It enforces perm even
// when the content is unchanged.
func writeIfChanged(path string, data []byte, perm os.FileMode) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		if info, err := os.Stat(path); err == nil && info.Mode().Perm() != perm {
			return os.Chmod(path, perm)
		}
		return nil
	}
	return writeFileAtomic(path, data, perm)
}

// copyFile copies src to dst and gives dst src's modification time, which
// is what syncTree compares.
func copyFile(src, dst string, info os.FileInfo) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	return os.Chtimes(dst, info.ModTime(), info.ModTime())
}

// sourceFile is one file to place in a working folder.
type sourceFile struct {
	src  string
	info os.FileInfo
}

// collectTree lists the regular files under dir by '/'-separated relative
// path, leaving out what never belongs in a working copy: hidden folders
// (.terraform, .git), state files and crash logs.
func collectTree(dir string, into map[string]sourceFile) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || skipFile(name) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		into[filepath.ToSlash(rel)] = sourceFile{src: path, info: info}
		return nil
	})
}

func skipFile(name string) bool {
	return strings.HasSuffix(name, ".tfstate") || strings.HasSuffix(name, ".tfstate.backup") ||
		name == "crash.log" || name == ".terraform.lock.hcl" || name == ".terraform.tfstate.lock.info"
}

// syncTree makes dst hold exactly files (plus anything hidden, which
// terraform owns: .terraform, the lock file), copying only files whose size
// or modification time differ. keep names extra files (generated ones) that
// must not be deleted. It reports whether anything changed.
func syncTree(dst string, files map[string]sourceFile, keep map[string]bool) (bool, error) {
	changed := false
	for rel, f := range files {
		target := filepath.Join(dst, filepath.FromSlash(rel))
		if info, err := os.Stat(target); err == nil && info.Size() == f.info.Size() && info.ModTime().Equal(f.info.ModTime()) {
			continue
		}
		if err := copyFile(f.src, target, f.info); err != nil {
			return changed, err
		}
		changed = true
	}
	var stale []string
	err := filepath.WalkDir(dst, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if path == dst {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dst, path)
		rel = filepath.ToSlash(rel)
		if _, ok := files[rel]; !ok && !keep[rel] {
			stale = append(stale, path)
		}
		return nil
	})
	if err != nil {
		return changed, err
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}
