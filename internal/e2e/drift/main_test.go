// Package drift runs `stackctl drift` and `stackctl import` end to end, as
// users do: the binary, built once, on copies of a trimmed production
// stack (testdata/stack) applied to a private emulator, with out-of-band
// changes made through the AWS SDK. It is its own package so that it runs
// in parallel with internal/e2e.
package drift

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/testutil"
	"github.com/stackctl/stackctl/internal/testutil/e2e"
	"github.com/stackctl/stackctl/internal/testutil/moto"
)

var (
	binary string
	update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e/drift: end-to-end tests do not run with -short")
		os.Exit(0)
	}
	code, err := build(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func build(m *testing.M) (int, error) {
	for _, tool := range []string{"terraform", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			return 1, fmt.Errorf("e2e/drift needs %s on PATH (terraform 1.11.x; python3 with moto[server]==5.2.1)", tool)
		}
	}
	mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		return 1, fmt.Errorf("e2e/drift needs hashicorp/aws 5.100.0 in the filesystem mirror %s (or set STACKCTL_PROVIDER_MIRROR)", mirror)
	}
	dir, err := os.MkdirTemp("", "stackctl-e2e-drift")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "stackctl")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/stackctl")...)
	cmd.Dir = repoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("building stackctl: %v\n%s", err, out)
	}
	return m.Run(), nil
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// tree is a copy of testdata/stack with its own emulator.
type tree struct {
	t   *testing.T
	dir string
	env []string
	srv *moto.Server
}

func newTree(t *testing.T) *tree {
	t.Helper()
	tr := &tree{t: t, dir: t.TempDir(), srv: moto.Start(t)}
	src := filepath.Join("testdata", "stack")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(tr.dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tr.dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.env = e2e.BaseEnv()
	if m := os.Getenv("STACKCTL_PROVIDER_MIRROR"); m != "" {
		tr.env = append(tr.env, "STACKCTL_PROVIDER_MIRROR="+m)
	}
	tr.env = append(tr.env, tr.srv.Env()...)
	return tr
}

func (tr *tree) path(rel string) string { return filepath.Join(tr.dir, filepath.FromSlash(rel)) }

func (tr *tree) write(rel, content string) {
	tr.t.Helper()
	if err := os.WriteFile(tr.path(rel), []byte(content), 0o644); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) read(rel string) string {
	tr.t.Helper()
	return testutil.ReadFile(tr.t, tr.path(rel))
}

func (tr *tree) exists(rel string) bool {
	_, err := os.Stat(tr.path(rel))
	return err == nil
}

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// run runs stackctl in the tree; a run that takes longer than the guard
// is a hang, not a slow machine.
func (tr *tree) run(args ...string) result {
	tr.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir, cmd.Env = tr.dir, tr.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		tr.t.Fatalf("stackctl %s: %v", strings.Join(args, " "), err)
	}
	tr.t.Logf("stackctl %s: exit %d in %s", strings.Join(args, " "), r.code, time.Since(start).Round(100*time.Millisecond))
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		tr.t.Fatalf("stackctl %s crashed:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// must runs stackctl and stops the test unless it exits with code.
func (tr *tree) must(code int, args ...string) result {
	tr.t.Helper()
	r := tr.run(args...)
	if r.code != code {
		tr.t.Fatalf("stackctl %s: want exit %d\n%s", strings.Join(args, " "), code, r)
	}
	return r
}

// golden compares a view with testdata/golden/name (the tree's folder
// written as ROOT); -update rewrites it.
func (tr *tree) golden(name, got string) {
	tr.t.Helper()
	got = strings.ReplaceAll(got, tr.dir, "ROOT")
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tr.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			tr.t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		tr.t.Fatalf("%v (go test ./internal/e2e/drift -run %s -update)", err, tr.t.Name())
	}
	if got != string(want) {
		tr.t.Errorf("%s differs from the golden file (go test ./internal/e2e/drift -run %s -update):\n%s", name, tr.t.Name(), got)
	}
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}
