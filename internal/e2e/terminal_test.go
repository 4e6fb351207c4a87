package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// On a terminal, plan shows a live status view and then the plans of the
// units with changes. script(1) (util-linux) gives stackctl a real
// pseudo-terminal.
func TestLiveViewOnATerminal(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("this test needs script(1) from util-linux (Debian: bsdutils) to run stackctl on a pseudo-terminal")
	}
	tr := newTree(t, chain())
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", binary+" plan dev --no-color", "/dev/null")
	cmd.Dir = tr.dir
	cmd.Env = append(tr.env, "TERM=xterm", "COLUMNS=120", "LINES=40")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("plan on a terminal: %v\n%s", err, out)
	}
	text := string(out)
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", binary+" apply dev --no-color", "/dev/null")
	cmd.Dir = tr.dir
	cmd.Env = append(tr.env, "TERM=xterm")
	cmd.Stdin = strings.NewReader("no\n")
	out, _ := cmd.CombinedOutput()
	contains(t, "terminal", string(out), "Do you want to apply 4 unit(s) of dev?", "apply cancelled")
	if strings.Contains(string(out), "▶") || strings.Contains(string(out), "succeeded") {
		t.Errorf("apply ran without a yes:\n%s", out)
	}
}
