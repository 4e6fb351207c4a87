// Package vcs answers "what changed since REF" for --changed-since: the files
// that differ between REF's merge base with HEAD and the working tree
// (uncommitted and untracked files included), and from them the units of an
// environment they affect, each with its reasons, plus the units deleted
// since. It runs the git binary: its view of the repository (ignore rules,
// worktrees, sparse checkouts, partial clones) is the one users see.
package vcs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
)

// Sentinel errors, wrapped with what to do next; match them with errors.Is.
var (
	ErrNoGit         = errors.New("git not found")
	ErrNotRepository = errors.New("not a git repository")
	ErrUnknownRef    = errors.New("unknown git revision")
	ErrNoMergeBase   = errors.New("no merge base")
	ErrNoCommits     = errors.New("no commits yet")
)

// git runs one git binary in one folder.
type git struct {
	bin string
	dir string
	env []string
}

func newGit(bin, dir string, environ []string) *git {
	if bin == "" {
		bin = "git"
	}
	if environ == nil {
		environ = os.Environ()
	}
	// Reading commands must not take the index lock to refresh stat
	// information: a concurrent git (an editor, a second stackctl) would
	// then fail. Messages are parsed nowhere, but LC_ALL=C keeps them
	// stable for the errors shown.
	env := append(append([]string(nil), environ...), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", "GIT_TERMINAL_PROMPT=0")
	return &git{bin: bin, dir: dir, env: env}
}

// exitError is a git command that ran and failed.
type exitError struct {
	args   []string
	code   int
	stderr string
}

func (e *exitError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.code)
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), msg)
}

func (g *git) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, g.bin, args...)
	cmd.Dir = g.dir
	cmd.Env = g.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return stdout.Bytes(), &exitError{args: args, code: ee.ExitCode(), stderr: stderr.String()}
	}
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s): --changed-since runs git; install git and make sure it is on PATH", ErrNoGit, g.bin)
	}
	return nil, fmt.Errorf("running git: %w", err)
}

// line runs git and returns its first output line.
func (g *git) line(ctx context.Context, args ...string) (string, error) {
	out, err := g.run(ctx, args...)
	if err != nil {
		return "", err
	}
	s, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(s), nil
}

// splitZ splits NUL-terminated output.
func splitZ(out []byte) []string {
	var fields []string
	for _, f := range bytes.Split(out, []byte{0}) {
		if len(f) > 0 {
			fields = append(fields, string(f))
		}
	}
	return fields
}
