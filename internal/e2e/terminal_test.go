package e2e

import (
	"strings"
	"testing"
)

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
		r := tr.Must(1, strings.Fields(args)...)
		contains(t, args, r.Stderr, want)
		if strings.Contains(r.Stdout, "▶") {
			t.Errorf("%v ran units:\n%s", args, r)
		}
	}
	r := tr.Must(1, "completion", "tcsh")
	contains(t, "completion tcsh", r.Stderr, `completion for "tcsh" is not available`, "bash, zsh and fish")
}
