// Package paritye2e runs diff-env, verify and apply --verify through the
// stackctl binary, as users run them: on trees the tests write, with real
// terraform (terraform_data only) and servers the tests start on
// 127.0.0.1. It is a package of its own so that it runs in parallel with
// internal/e2e.
package paritye2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/testutil/e2e"
)

var (
	binary string
	update = flag.Bool("update", false, "rewrite golden files")
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("paritye2e: end-to-end tests do not run with -short")
		return 0, nil
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		return 1, errors.New("these tests need terraform on PATH (1.11.x): install it from https://developer.hashicorp.com/terraform/install")
	}
	dir, err := os.MkdirTemp("", "stackctl-paritye2e-bin")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "stackctl")
	_, file, _, _ := runtime.Caller(0)
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./cmd/stackctl")...)
	build.Dir = filepath.Join(filepath.Dir(file), "..", "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("building stackctl: %v\n%s", err, out)
	}
	return m.Run(), nil
}

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// tree is a temporary repository.
type tree struct {
	t   *testing.T
	dir string
	env []string
}

func newTree(t *testing.T, files map[string]string) *tree {
	t.Helper()
	tr := &tree{t: t, dir: t.TempDir(), env: baseEnv()}
	tr.write(files)
	return tr
}

// baseEnv is the test's environment minus anything that changes
// stackctl's behaviour or could reach beyond 127.0.0.1 (proxies, AWS
// settings), with terraform kept offline.
func baseEnv() []string { return e2e.BaseEnv() }

func (tr *tree) path(rel string) string { return filepath.Join(tr.dir, filepath.FromSlash(rel)) }

func (tr *tree) write(files map[string]string) {
	tr.t.Helper()
	for rel, content := range files {
		p := tr.path(rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tr.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tr.t.Fatal(err)
		}
	}
}

func (tr *tree) remove(rel string) {
	tr.t.Helper()
	if err := os.RemoveAll(tr.path(rel)); err != nil {
		tr.t.Fatal(err)
	}
}

// run runs stackctl to completion (at most 5 minutes: a guard, not a
// measure).
func (tr *tree) run(args ...string) result {
	tr.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir, cmd.Env = tr.dir, tr.env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		tr.t.Fatalf("running stackctl %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		tr.t.Fatalf("stackctl %s crashed:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// must runs stackctl and fails the test unless it exits with code.
func (tr *tree) must(code int, args ...string) result {
	tr.t.Helper()
	r := tr.run(args...)
	if r.code != code {
		tr.t.Fatalf("stackctl %s: want exit %d\n%s", strings.Join(args, " "), code, r)
	}
	return r
}

// onTerminal runs stackctl on a pseudo-terminal (script(1), util-linux)
// and returns what the terminal showed and the exit code.
func (tr *tree) onTerminal(args string) (string, int) {
	tr.t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		tr.t.Fatal("this test needs script(1) from util-linux (Debian: bsdutils) to run stackctl on a pseudo-terminal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", binary+" "+args, "/dev/null")
	cmd.Dir = tr.dir
	cmd.Env = append(tr.env, "TERM=xterm", "COLUMNS=120", "LINES=40")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		tr.t.Fatalf("running stackctl %s under script: %v\n%s", args, err, out)
	}
	return string(out), 0
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func lacks(t *testing.T, what, got string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("%s shows %q:\n%s", what, s, got)
		}
	}
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

var (
	durations = regexp.MustCompile(`\b\d+(\.\d+)?(ms|s)\b`)
	attempts  = regexp.MustCompile(`after \d+ attempts`)
	spaces    = regexp.MustCompile(` {2,}`)
)

// stable takes out of a verify view what differs from run to run: ports
// (given), durations, attempt counts of checks that retried to their
// deadline, and the column padding that follows from them.
func stable(s string, ports map[string]string) string {
	for port, name := range ports {
		s = strings.ReplaceAll(s, port, name)
	}
	s = durations.ReplaceAllString(s, "T")
	s = attempts.ReplaceAllString(s, "after N attempts")
	return spaces.ReplaceAllString(s, "  ")
}
