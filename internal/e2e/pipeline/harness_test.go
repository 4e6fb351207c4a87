// Package pipeline runs stackctl end to end the way CI pipelines do: in git
// repositories built by the tests, with --changed-since, saved plans, the
// markdown view, ci matrix, lock files and fmt, and a fan-out of one
// process per unit in dependency waves over one S3 state on the emulator.
// It is its own package so that `go test ./...` runs it beside
// internal/e2e.
//
// The harness below has the shape of internal/testutil/e2e (Tree, Run,
// Must), so that it can be replaced by that package once it lands.
package pipeline

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
		fmt.Println("pipeline: end-to-end tests do not run with -short: nothing ran")
		return 0, nil
	}
	for _, tool := range []string{"terraform", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			return 1, fmt.Errorf("these end-to-end tests need %s on PATH", tool)
		}
	}
	dir, err := os.MkdirTemp("", "stackctl-pipeline-bin")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "stackctl")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./cmd/stackctl")...)
	build.Dir = repoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("building stackctl: %v\n%s", err, out)
	}
	return m.Run(), nil
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// baseEnv is every run's environment: the test's own minus what changes
// stackctl's behaviour (CI, GitHub Actions and AWS variables included),
// git configured for commits, never a way to the internet.
func baseEnv(t *testing.T) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "STACKCTL_") || strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "AWS_") ||
			strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "GITHUB_") || k == "CI" {
			continue
		}
		env = append(env, kv)
	}
	cfg := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(cfg, []byte("[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return append(env, "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/nonexistent/terraformrc", "STACKCTL_OFFLINE=1",
		"GIT_CONFIG_GLOBAL="+cfg, "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
}

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
}

func newTree(t *testing.T, files map[string]string) *tree {
	t.Helper()
	tr := &tree{t: t, dir: t.TempDir(), env: baseEnv(t)}
	tr.write(files)
	return tr
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
	return testutil.ReadFile(tr.t, tr.path(rel))
}

func (tr *tree) command(ctx context.Context, env []string, args ...string) (*exec.Cmd, *testutil.SyncBuffer, *testutil.SyncBuffer) {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = tr.dir
	cmd.Env = append(append([]string(nil), tr.env...), env...)
	var stdout, stderr testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Minute
	return cmd, &stdout, &stderr
}

// runEnv runs stackctl with extra environment variables, at most ten
// minutes (a guard, not a timing assertion).
func (tr *tree) runEnv(env []string, args ...string) result {
	tr.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd, stdout, stderr := tr.command(ctx, env, args...)
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

func (tr *tree) run(args ...string) result {
	tr.t.Helper()
	return tr.runEnv(nil, args...)
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

// git runs git in the tree.
func (tr *tree) git(args ...string) string {
	tr.t.Helper()
	return gitIn(tr.t, tr.dir, tr.env, args...)
}

func gitIn(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (tr *tree) commitAll(msg string) {
	tr.t.Helper()
	tr.git("add", "-A")
	tr.git("commit", "-q", "-m", msg)
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}
