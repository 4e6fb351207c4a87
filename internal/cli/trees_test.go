package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/iostreams"
	"github.com/stackctl/stackctl/internal/testutil"
)

// invocation is how a test runs stackctl in process beyond runIn's
// defaults: more environment, an answer typed on stdin, and whether stdin
// claims to be a terminal (so that questions may be asked).
type invocation struct {
	env   map[string]string
	stdin string
	tty   bool
}

// runWith is runIn with an invocation.
func runWith(t *testing.T, dir string, iv invocation, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut testutil.SyncBuffer
	env := map[string]string{"CHECKPOINT_DISABLE": "1", "STACKCTL_OFFLINE": "1"}
	environ := []string{"CHECKPOINT_DISABLE=1", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	for k, v := range iv.env {
		env[k] = v
		environ = append(environ, k+"="+v)
	}
	s := iostreams.Test(strings.NewReader(iv.stdin), &out, &errOut)
	s.SetInTTY(iv.tty)
	a := &app{streams: s, getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, environ: environ, cwd: dir}
	ua := a.build()
	full, pass := reorderArgs(ua, append([]string{"stackctl"}, args...))
	a.passThrough = pass
	err := ua.RunContext(context.Background(), full)
	code := 0
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
		if !ee.printed && ee.err != nil {
			errOut.Write([]byte("stackctl: " + ee.err.Error() + "\n"))
		}
	case err != nil:
		code = 1
		errOut.Write([]byte("stackctl: " + err.Error() + "\n"))
	}
	return code, out.String(), errOut.String()
}

// result is one in-process run, for the assertions below.
type result struct {
	code     int
	out, err string
}

// mustRun runs stackctl and fails the test unless it exits with code.
func mustRun(t *testing.T, dir string, code int, args ...string) result {
	t.Helper()
	return mustRunWith(t, dir, invocation{}, code, args...)
}

func mustRunWith(t *testing.T, dir string, iv invocation, code int, args ...string) result {
	t.Helper()
	c, out, errOut := runWith(t, dir, iv, args...)
	if c != code {
		t.Fatalf("stackctl %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), c, code, out, errOut)
	}
	return result{c, out, errOut}
}

// has fails the test unless every want is in got.
func has(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// hasNot fails the test if any of bad is in got.
func hasNot(t *testing.T, what, got string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(got, b) {
			t.Errorf("%s has %q:\n%s", what, b, got)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	return testutil.ReadFile(t, path)
}

// secretValue is what the sensitive output of secretModule holds; it must
// never be printed unless asked for.
const secretValue = "hunter2-very-secret"

// secretModule is stepModule with a sensitive output, so that masking
// can be checked on real state.
const secretModule = stepModule + `
variable "secret" {
  type      = string
  default   = "` + secretValue + `"
  sensitive = true
}
output "token" {
  value     = var.secret
  sensitive = true
}
`

// secretTree is twoUnitTree (net, app depending on net) whose units also
// have a sensitive output.
func secretTree(t *testing.T) string {
	dir := twoUnitTree(t)
	if err := os.WriteFile(filepath.Join(dir, "modules/step/main.tf"), []byte(secretModule), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// appliedTree is secretTree applied with --auto-approve, for the tests
// that only read it.
func appliedTree(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("this test runs terraform: install terraform 1.11 on PATH")
	}
	dir := secretTree(t)
	r := mustRun(t, dir, 0, "apply", "dev", "--auto-approve")
	has(t, "apply --auto-approve", r.out, "apply dev: 2 succeeded")
	return dir
}

// gitTree makes dir a git repository with everything committed, for
// --changed-since.
func gitTree(t *testing.T, dir string) {
	t.Helper()
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "initial")
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
