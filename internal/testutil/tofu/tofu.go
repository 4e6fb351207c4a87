// Package tofu builds OpenTofu once, for tests that run stackctl with
// `terraform { binary = "tofu" }`. There is no OpenTofu release download on
// this network: the Go module proxy's copy of its source is built instead
// (go install refuses it, its go.mod has replace directives, so it is built
// from a writable copy of the module). The binary is cached across test
// runs and packages under the user's cache folder; a file lock keeps
// parallel packages from building it twice.
package tofu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Version is the OpenTofu release built.
const Version = "v1.12.6"

const module = "github.com/opentofu/opentofu"

// Path returns the path of a built tofu binary, building it the first time
// (several minutes). It fails t with what is missing when it cannot.
func Path(t testing.TB) string {
	t.Helper()
	p, err := Build()
	if err != nil {
		t.Fatalf("building OpenTofu %s from the Go module proxy's copy of %s: %v", Version, module, err)
	}
	return p
}

// Build returns the cached binary, building it when there is none.
func Build() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "stackctl-test", "tofu-"+Version)
	bin := filepath.Join(dir, "tofu")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	if ok(bin) {
		return bin, nil
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the go command is needed to build OpenTofu")
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	dl := exec.Command(gobin, "mod", "download", "-json", module+"@"+Version)
	dl.Dir, dl.Env = dir, env
	out, err := dl.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v", module, Version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s %s", module, Version, info.Error, out)
	}
	src := filepath.Join(dir, "src")
	_ = os.RemoveAll(src)
	if err := copyTree(info.Dir, src); err != nil {
		return "", fmt.Errorf("copying the module: %w", err)
	}
	build := exec.Command(gobin, "build", "-o", bin+".tmp", "./cmd/tofu")
	build.Dir, build.Env = src, env
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/tofu: %v\n%s", err, tail(string(out)))
	}
	_ = os.RemoveAll(src)
	if err := os.Rename(bin+".tmp", bin); err != nil {
		return "", err
	}
	if !ok(bin) {
		return "", errors.New("the built tofu does not print its version")
	}
	return bin, nil
}

func ok(bin string) bool {
	out, err := exec.Command(bin, "version").Output()
	return err == nil && strings.Contains(string(out), "OpenTofu")
}

// copyTree copies the read-only module cache folder into a writable one.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}
