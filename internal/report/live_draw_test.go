package report

import (
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/runner"
)

// drawnProgress is a live Progress drawn by hand (no ticker), its units
// in the given states, started 660 ms ago: spinner frame 5.
func drawnProgress(o ProgressOptions, states map[string]*unitState, order ...string) (*Progress, *strings.Builder) {
	var term strings.Builder
	o.Command, o.Env, o.Term = "plan", "dev", &term
	p := NewProgress(o)
	p.live = &live{p: p}
	p.start = time.Now().Add(-660 * time.Millisecond)
	p.order = order
	p.units = states
	return p, &term
}

func fourUnits() map[string]*unitState {
	return map[string]*unitState{
		"aa": {status: runner.Running, step: "plan", started: time.Now(), note: "stale"},
		"bb": {status: runner.Waiting},
		"cc": {status: runner.Succeeded, elapsed: 1500 * time.Millisecond, note: "no changes"},
		"dd": {status: runner.Failed},
	}
}

// viewLines is one draw's lines without the clear-line escapes.
func viewLines(s string) []string {
	s = strings.TrimSuffix(strings.ReplaceAll(s, "\x1b[2K\r", ""), "\n")
	return strings.Split(s, "\n")
}

func TestLiveViewLines(t *testing.T) {
	p, term := drawnProgress(ProgressOptions{}, fourUnits(), "aa", "bb", "cc", "dd")
	p.live.draw(false)
	if !strings.HasPrefix(term.String(), "\x1b[2K\r") {
		t.Errorf("the first draw moves the cursor: %q", term.String())
	}
	got := viewLines(term.String())
	if len(got) != 5 || !strings.HasSuffix(got[0], "  1 running, 1 waiting, 1 succeeded, 1 failed") {
		t.Fatalf("view %q", got)
	}
	if !strings.HasPrefix(got[1], "  ⠴ aa  plan       ") || strings.Contains(got[1], "stale") {
		t.Errorf("running line %q: want spinner frame 5, the step, no note", got[1])
	}
	for i, want := range []string{
		"  · bb  waiting           ",
		"  ✓ cc  succeeded     1.5s  no changes",
		"  ✗ dd  failed            ",
	} {
		if got[i+2] != want {
			t.Errorf("line %d %q, want %q", i+2, got[i+2], want)
		}
	}
}

// With more units than the terminal has lines, a draw shows what runs or
// failed, and the final one what did not succeed.
func TestLiveViewCompact(t *testing.T) {
	for _, c := range []struct {
		height int
		final  bool
		want   []string
	}{
		{0, false, []string{"aa", "bb", "cc", "dd"}},
		{2, false, []string{"aa", "bb", "cc", "dd"}}, // no room to judge: all
		{6, false, []string{"aa", "bb", "cc", "dd"}}, // 4 units fit in 4 lines
		{5, false, []string{"aa", "dd"}},
		{5, true, []string{"aa", "bb", "dd"}},
	} {
		p, term := drawnProgress(ProgressOptions{Height: c.height}, fourUnits(), "aa", "bb", "cc", "dd")
		p.live.draw(c.final)
		var units []string
		for _, ln := range viewLines(term.String())[1:] {
			units = append(units, strings.Fields(ln)[1])
		}
		if strings.Join(units, " ") != strings.Join(c.want, " ") {
			t.Errorf("height %d final %v: units %v, want %v", c.height, c.final, units, c.want)
		}
	}
}

// A redraw moves up over the last one and clears the lines it no longer
// needs; a width of 1 means unknown, which cuts at 200 columns.
func TestLiveViewRedraw(t *testing.T) {
	states := fourUnits()
	states["cc"].note = strings.Repeat("n", 250)
	p, term := drawnProgress(ProgressOptions{Width: 1}, states, "aa", "bb", "cc", "dd")
	p.live.drawn = 7
	p.live.draw(false)
	out := term.String()
	if !strings.HasPrefix(out, "\x1b[7A\x1b[2K\r") || !strings.HasSuffix(out, "\n\x1b[2K\n\x1b[2K\n\x1b[2A") {
		t.Errorf("redraw over 7 lines with 5: %q", out)
	}
	for _, ln := range viewLines(cursorUp.ReplaceAllString(out, "")) {
		if n := visibleLen(ln); n > 200 {
			t.Errorf("line of %d columns: %q", n, ln)
		}
	}
	term.Reset()
	p.live.draw(false)
	if out := term.String(); !strings.HasPrefix(out, "\x1b[5A\x1b[2K\r") || strings.Count(out, "\x1b[") != 6 {
		t.Errorf("redraw over 5 lines with 5: %q", out)
	}
}

// A question in the middle of a run: the view stops while it is asked,
// then is drawn afresh below it rather than over it.
func TestLiveViewPauseResume(t *testing.T) {
	p, term := drawnProgress(ProgressOptions{}, fourUnits(), "aa", "bb", "cc", "dd")
	p.Pause()
	if !strings.HasPrefix(term.String(), "\x1b[2K\r") {
		t.Fatalf("Pause did not draw the view first: %q", term.String())
	}
	term.Reset()
	p.live.draw(false)
	if term.Len() != 0 {
		t.Errorf("drawn while paused: %q", term.String())
	}
	p.Resume()
	p.live.draw(false)
	if out := term.String(); !strings.HasPrefix(out, "\x1b[2K\r") || cursorUp.MatchString(out) {
		t.Errorf("after Resume: %q, want a fresh view below the question", out)
	}
	// A streamed run has no view: both are no-ops.
	s := NewProgress(ProgressOptions{Command: "plan", Term: term})
	s.Pause()
	s.Resume()
}
