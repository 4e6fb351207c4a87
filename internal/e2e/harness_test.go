// Package e2e builds the stackctl binary once and runs it, as a user
// would, against temporary live trees of real Terraform modules with the
// real terraform binary.
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

var binary string

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
		fmt.Println("e2e: end-to-end tests do not run with -short")
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
	binary = filepath.Join(dir, "stackctl")
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./cmd/stackctl")...)
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("building stackctl: %v\n%s", err, out)
	}
	defer stopEmulator()
	return m.Run(), nil
}

// result is one finished stackctl run.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// tree is a temporary repository with a live tree.
type tree struct {
	t   *testing.T
	dir string
	env []string
	// timeout bounds each run (default 5 minutes).
	timeout time.Duration
}

func newTree(t *testing.T, files map[string]string) *tree {
	t.Helper()
	tr := &tree{t: t, dir: t.TempDir()}
	tr.write(files)
	tr.env = baseEnv()
	return tr
}

// baseEnv is the environment of every stackctl run: the test's own minus
// anything that would change stackctl's behaviour, and never a way to
// reach the internet.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "STACKCTL_") || strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/nonexistent/terraformrc", "STACKCTL_OFFLINE=1")
}

// checkout is a second copy of the tree's files (without .stackctl), as
// another clone of the repository would be, with the same environment.
func (tr *tree) checkout() *tree {
	tr.t.Helper()
	dst := tr.t.TempDir()
	err := filepath.WalkDir(tr.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tr.dir, p)
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
		tr.t.Fatal(err)
	}
	return &tree{t: tr.t, dir: dst, env: tr.env, timeout: tr.timeout}
}

func (tr *tree) path(rel string) string { return filepath.Join(tr.dir, filepath.FromSlash(rel)) }

func (tr *tree) write(files map[string]string) {
	tr.t.Helper()
	for rel, content := range files {
		p := tr.path(rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tr.t.Fatal(err)
		}
		content = strings.ReplaceAll(content, "@ROOT@", tr.dir)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tr.t.Fatal(err)
		}
	}
}

func (tr *tree) read(rel string) string {
	tr.t.Helper()
	b, err := os.ReadFile(tr.path(rel))
	if err != nil {
		tr.t.Fatal(err)
	}
	return string(b)
}

func (tr *tree) command(ctx context.Context, args ...string) (*exec.Cmd, *testutil.SyncBuffer, *testutil.SyncBuffer) {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = tr.dir
	cmd.Env = tr.env
	var stdout, stderr testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, &stdout, &stderr
}

// run runs stackctl to completion (at most tr.timeout).
func (tr *tree) run(args ...string) result {
	tr.t.Helper()
	timeout := tr.timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd, stdout, stderr := tr.command(ctx, args...)
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

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func lines(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// waitFor waits until a running stackctl prints want, at most a minute.
func waitFor(t *testing.T, cmd *exec.Cmd, out *testutil.SyncBuffer, want string) {
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
