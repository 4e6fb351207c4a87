// Package e2e builds the stackctl binary once and runs it, as a user
// would, against temporary live trees of real Terraform modules with the
// real terraform binary. The harness itself is internal/testutil/e2e; the
// production stack's test is its own package, internal/e2e/stack, so that
// the two run side by side.
package e2e

import (
	"os/exec"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
	"github.com/stackctl/stackctl/internal/testutil/e2e"
)

var binary string

func TestMain(m *testing.M) { e2e.Main(m, &binary, stopEmulator) }

type (
	tree   = e2e.Tree
	result = e2e.Result
)

func newTree(t *testing.T, files map[string]string) *tree {
	t.Helper()
	return e2e.NewTree(t, binary, files)
}

func onTerminal(t *testing.T, tr *tree, stdin string, args string) (string, int) {
	t.Helper()
	return tr.With(t).OnTerminal(stdin, args)
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	e2e.Contains(t, what, got, wants...)
}

func lines(s string) []string { return e2e.Lines(s) }

func waitFor(t *testing.T, cmd *exec.Cmd, out *testutil.SyncBuffer, want string) {
	t.Helper()
	e2e.WaitFor(t, cmd, out, want)
}
