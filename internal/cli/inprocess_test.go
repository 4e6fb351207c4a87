package cli

import (
	"strings"
	"testing"
)

// runIn runs stackctl in process in dir, as Main does, with no terminal
// and an environment of its own; it returns the exit code and what was
// printed.
func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	return runWith(t, dir, invocation{}, args...)
}

// The commands that need no terraform, run in process on a real tree:
// what each prints and its exit code.
func TestCommandsWithoutTerraform(t *testing.T) {
	dir := twoUnitTree(t)
	cases := []struct {
		args      []string
		code      int
		out, err  []string
		notOutput []string
	}{
		{args: []string{"list", "dev"}, out: []string{"net\napp\n"}},
		{args: []string{"list", "dev", "--unit", "app"}, out: []string{"app\n"}, notOutput: []string{"net"}},
		{args: []string{"list", "nope"}, code: 1, err: []string{"nope"}},
		{args: []string{"graph", "dev"}, out: []string{"digraph units", `"app" -> "net";`}},
		{args: []string{"graph", "dev", "--format", "mermaid"}, out: []string{"graph RL", `["app"]`}},
		{args: []string{"graph", "dev", "--format", "json"}, out: []string{`"path": "app"`, `"dependencies": [`}},
		{args: []string{"graph", "dev", "--format", "svg"}, code: 1, err: []string{"svg"}},
		{args: []string{"render", "dev", "--unit", "app"}, out: []string{"app", "mock"}},
		{args: []string{"render", "dev", "--json"}, out: []string{`"app"`, `"net"`}},
		{args: []string{"output", "dev"}, out: []string{"# net", "# app", "(no outputs)"}, err: []string{"net has no state yet", "stackctl apply dev --unit net"}},
		{args: []string{"output", "dev", "--unit", "net", "--json"}, out: []string{"{}"}},
		{args: []string{"output", "dev", "extra"}, code: 1, err: []string{"extra"}},
		{args: []string{"state", "list", "dev", "--unit", "net"}, out: []string{"net: no state (.stackctl/state/dev/net/terraform.tfstate)"}},
		{args: []string{"state", "backups", "dev", "--unit", "net"}, out: []string{"net: no backups (.stackctl/backups/dev/net)"}},
		{args: []string{"state", "recover", "dev"}, out: []string{"nothing to recover"}},
		{args: []string{"force-unlock", "dev", "--unit", "net", "abc", "--auto-approve"}, code: 1, err: []string{"is not locked: nothing to release"}},
		{args: []string{"ci", "matrix", "dev"}, out: []string{`"waves":[{"wave":1,"units":["net"]},{"wave":2,"units":["app"]}]`}},
		{args: []string{"bootstrap", "dev"}, err: []string{"keeps its state locally", "nothing to bootstrap"}},
		{args: []string{"diff-env", "dev", "dev"}, code: 1, err: []string{"compares an environment with itself"}},
		{args: []string{"verify", "dev"}, out: []string{"no checks declared"}, err: []string{"declares a verify block"}},
		{args: []string{"completion", "bash"}, out: []string{"complete -o default -F _stackctl stackctl"}},
		{args: []string{"__complete", "list", ""}, out: []string{"dev\n"}},
		{args: []string{"__complete", "list", "dev", "--unit", ""}, out: []string{"app\nnet\n"}},
		{args: []string{"apply", "dev"}, code: 1, err: []string{"apply needs --auto-approve"}},
		{args: []string{"destroy", "dev"}, code: 1, err: []string{"destroy needs --auto-approve"}},
		// stackctl.hcl's "=" are not aligned: --check lists it and fails,
		// fmt rewrites it, and then --check passes.
		{args: []string{"fmt", "--check"}, code: 1, out: []string{"stackctl.hcl"}, err: []string{"not formatted", "run stackctl fmt"}},
		{args: []string{"fmt"}, out: []string{"stackctl.hcl"}},
		{args: []string{"fmt", "--check"}, notOutput: []string{"stackctl.hcl"}},
	}
	for _, c := range cases {
		name := strings.Join(c.args, " ")
		code, out, errOut := runIn(t, dir, c.args...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, code, c.code, out, errOut)
			continue
		}
		for _, w := range c.out {
			if !strings.Contains(out, w) {
				t.Errorf("%s: stdout lacks %q:\n%s", name, w, out)
			}
		}
		for _, w := range c.err {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", name, w, errOut)
			}
		}
		for _, w := range c.notOutput {
			if strings.Contains(out, w) {
				t.Errorf("%s: stdout has %q:\n%s", name, w, out)
			}
		}
	}
}
