package e2e

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// onTerminal runs `stackctl ARGS` on a real pseudo-terminal, which script(1)
// (util-linux) provides, with stdin typed into it; it returns what the
// terminal showed and stackctl's exit code (script -e passes it on).
func onTerminal(t *testing.T, tr *tree, stdin string, args string) (string, int) {
	t.Helper()
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("this test needs script(1) from util-linux (Debian: bsdutils) to run stackctl on a pseudo-terminal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", binary+" "+args, "/dev/null")
	cmd.Dir = tr.dir
	cmd.Env = append(tr.env, "TERM=xterm", "COLUMNS=120", "LINES=40")
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

// On a terminal, plan shows a live status view and then the plans of the
// units with changes.
func TestLiveViewOnATerminal(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	text, code := onTerminal(t, tr, "", "plan dev --no-color")
	if code != 0 {
		t.Fatalf("plan on a terminal: exit %d\n%s", code, text)
	}
	contains(t, "terminal output", text,
		"stackctl plan dev", // the live view's header
		"\x1b[",             // redrawn in place
		"── network plan ──", "Terraform will perform the following actions",
		"plan dev: 4 succeeded")
	if strings.Contains(text, "[network] ") {
		t.Errorf("a terminal got the prefixed stream instead of the live view:\n%s", text)
	}
}

// Warnings reach the summary even when the live view hides terraform's
// output: an input set in unit.hcl that the module does not declare.
func TestWarningsInTheSummaryOnATerminal(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/network/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "network", nmae = "typo" }
`
	tr := newTree(t, files)
	text, code := onTerminal(t, tr, "", "plan dev --no-color -u network")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, text)
	}
	contains(t, "terminal", text, "Warning: input \"nmae\" is set in unit.hcl but the module declares no variable \"nmae\"", "in network")
}

// Nonsense flag values are refused with the valid range, before anything
// runs; an unsupported shell is named with the supported ones.
func TestNonsenseFlagsAreRefused(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	for args, want := range map[string]string{"plan dev -p 0": "out of range: give 1 to 256", "apply dev --parallelism -3 --auto-approve": "out of range", "plan dev --lock-timeout -5s": "is negative"} {
		r := tr.must(1, strings.Fields(args)...)
		contains(t, args, r.stderr, want)
		if strings.Contains(r.stdout, "▶") {
			t.Errorf("%v ran units:\n%s", args, r)
		}
	}
	r := tr.must(1, "completion", "tcsh")
	contains(t, "completion tcsh", r.stderr, `completion for "tcsh" is not available`, "bash, zsh and fish")
}
