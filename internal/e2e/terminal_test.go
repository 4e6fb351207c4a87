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

// On a terminal, apply asks; anything but "yes" cancels it.
func TestApplyAsksOnATerminal(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	out, code := onTerminal(t, tr, "no\n", "apply dev --no-color")
	contains(t, "terminal", out, "Do you want to apply 4 unit(s) of dev?", "apply cancelled")
	if strings.Contains(out, "▶") || strings.Contains(out, "succeeded") {
		t.Errorf("apply ran without a yes:\n%s", out)
	}
	if code != 1 {
		t.Errorf("a cancelled apply exits %d, want 1", code)
	}
}
