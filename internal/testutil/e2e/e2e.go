// Package e2e is the harness of stackctl's end-to-end tests: it builds the
// binary once per test package and runs it, as a user would, in temporary
// trees of real Terraform modules with the real terraform. It is a normal
// package (not a _test.go file) so that every end-to-end package — the
// general one and the production stack's — shares it and `go test ./...`
// runs them side by side.
package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/testutil"
)

// Main is an end-to-end package's TestMain: it builds stackctl (with -race
// when the tests are built with it) into a temporary folder, stores its
// path in *bin, runs the tests, runs cleanups, and exits. With -short it
// runs nothing and says so, so that `ok` is never mistaken for a pass.
//
//	var binary string
//
//	func TestMain(m *testing.M) { e2e.Main(m, &binary) }
func Main(m *testing.M, bin *string, cleanups ...func()) {
	code, err := setup(m, bin, cleanups)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M, bin *string, cleanups []func()) (int, error) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: end-to-end tests do not run with -short: nothing ran")
		return 0, nil
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		return 1, errors.New("e2e tests need terraform on PATH (1.11.x): install it from https://developer.hashicorp.com/terraform/install")
	}
	dir, err := os.MkdirTemp("", "stackctl-e2e-bin")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	*bin = filepath.Join(dir, "stackctl")
	args := []string{"build", "-o", *bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./cmd/stackctl")...)
	build.Dir = RepoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("building stackctl: %v\n%s", err, out)
	}
	defer func() {
		for _, c := range cleanups {
			c()
		}
	}()
	return m.Run(), nil
}

// RepoRoot is the repository this package was compiled from.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// BaseEnv is the environment of every stackctl run: the test's own minus
// anything that would change stackctl's behaviour, and never a way to
// reach the internet.
func BaseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if ciVariable(kv) || strings.HasPrefix(kv, "STACKCTL_") || strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/nonexistent/terraformrc", "STACKCTL_OFFLINE=1")
}

// ciVariable: the variables stackctl reads to learn it runs in CI (no
// live view, no prompts, annotations) or how to colour. The suite itself
// runs in CI, so a test that wants CI behaviour sets them on its own.
func ciVariable(kv string) bool {
	name, _, _ := strings.Cut(kv, "=")
	switch {
	case name == "CI", name == "NO_COLOR", strings.HasPrefix(name, "GITHUB_"), strings.HasPrefix(name, "GITLAB_"), strings.HasPrefix(name, "BUILDKITE"):
		return true
	case strings.EqualFold(name, "HTTP_PROXY"), strings.EqualFold(name, "HTTPS_PROXY"), strings.EqualFold(name, "ALL_PROXY"):
		// a proxy would carry the emulator's traffic off 127.0.0.1
		return true
	}
	return false
}

// Result is one finished stackctl run.
type Result struct {
	Code           int
	Stdout, Stderr string
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// Tree is a temporary repository with a live tree, and the stackctl binary
// that runs in it. Its methods fail T; With gives a copy bound to a
// subtest, so subtests can share one tree.
type Tree struct {
	T   *testing.T
	Bin string
	Dir string
	Env []string
	// Timeout bounds each run (default 5 minutes).
	Timeout time.Duration
}

// NewTree writes files into a new temporary folder. "@ROOT@" in a file's
// content stands for that folder.
func NewTree(t *testing.T, bin string, files map[string]string) *Tree {
	t.Helper()
	tr := &Tree{T: t, Bin: bin, Dir: t.TempDir(), Env: BaseEnv()}
	tr.Write(files)
	return tr
}

// With returns a copy of the tree whose failures go to t.
func (tr *Tree) With(t *testing.T) *Tree {
	c := *tr
	c.T = t
	c.Env = append([]string(nil), tr.Env...)
	return &c
}

// Path is a slash-separated path inside the tree.
func (tr *Tree) Path(rel string) string { return filepath.Join(tr.Dir, filepath.FromSlash(rel)) }

// Write writes files into the tree.
func (tr *Tree) Write(files map[string]string) {
	tr.T.Helper()
	for rel, content := range files {
		p := tr.Path(rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tr.T.Fatal(err)
		}
		content = strings.ReplaceAll(content, "@ROOT@", tr.Dir)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tr.T.Fatal(err)
		}
	}
}

// Read reads a file of the tree.
func (tr *Tree) Read(rel string) string {
	tr.T.Helper()
	return testutil.ReadFile(tr.T, tr.Path(rel))
}

// Command prepares `stackctl ARGS` in the tree, in its own process group,
// with its output collected.
func (tr *Tree) Command(ctx context.Context, args ...string) (*exec.Cmd, *testutil.SyncBuffer, *testutil.SyncBuffer) {
	cmd := exec.CommandContext(ctx, tr.Bin, args...)
	cmd.Dir = tr.Dir
	cmd.Env = tr.Env
	var stdout, stderr testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, &stdout, &stderr
}

// Run runs stackctl to completion (at most tr.Timeout) and fails the test
// if it crashed.
func (tr *Tree) Run(args ...string) Result {
	tr.T.Helper()
	timeout := tr.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd, stdout, stderr := tr.Command(ctx, args...)
	err := cmd.Run()
	r := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case err != nil:
		tr.T.Fatalf("running stackctl %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(r.Stderr, "goroutine ") || strings.Contains(r.Stderr, "panic:") {
		tr.T.Fatalf("stackctl %s crashed:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// Must runs stackctl and fails the test unless it exits with code.
func (tr *Tree) Must(code int, args ...string) Result {
	tr.T.Helper()
	r := tr.Run(args...)
	if r.Code != code {
		tr.T.Fatalf("stackctl %s: want exit %d\n%s", strings.Join(args, " "), code, r)
	}
	return r
}

// OnTerminal runs `stackctl ARGS` on a real pseudo-terminal, which
// script(1) (util-linux) provides, with stdin typed into it; it returns
// what the terminal showed and stackctl's exit code (script -e passes it
// on).
func (tr *Tree) OnTerminal(stdin string, args string) (string, int) {
	t := tr.T
	t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("this test needs script(1) from util-linux (Debian: bsdutils) to run stackctl on a pseudo-terminal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", tr.Bin+" "+args, "/dev/null")
	cmd.Dir = tr.Dir
	cmd.Env = append(append([]string(nil), tr.Env...), "TERM=xterm", "COLUMNS=120", "LINES=40")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatalf("running stackctl %s under script: %v\n%s", args, err, out)
	}
	return string(out), 0
}

// Contains fails t for each of wants that got lacks.
func Contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

// Lines splits output into lines, none for empty output.
func Lines(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// WaitFor waits until a running stackctl prints want, at most a minute (a
// guard, not a timing assertion).
func WaitFor(t *testing.T, cmd *exec.Cmd, out *testutil.SyncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("stackctl never printed %q:\n%s", want, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Checkout is a second copy of the tree's files (without .stackctl), as
// another clone of the repository would be, with the same environment.
func (tr *Tree) Checkout() *Tree {
	tr.T.Helper()
	dst := tr.T.TempDir()
	err := filepath.WalkDir(tr.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tr.Dir, p)
		if d.IsDir() {
			if d.Name() == ".stackctl" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		tr.T.Fatal(err)
	}
	c := *tr
	c.Dir = dst
	c.Env = append([]string(nil), tr.Env...)
	return &c
}
