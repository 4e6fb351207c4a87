package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/runner"
)

// A streamed run says each step and each end on one line, with the time
// only when there is one and a note only when there is one.
func TestStreamedRunLines(t *testing.T) {
	var term strings.Builder
	p := NewProgress(ProgressOptions{Command: "plan", Env: "dev", LogDir: t.TempDir(), Term: &term})
	p.Queued([]string{"a", "b"})
	p.Started("a")
	p.Step("a", "plan")
	p.Finished(runner.Event{Unit: "a", Status: runner.Succeeded, Duration: 1500 * time.Millisecond})
	p.Finished(runner.Event{Unit: "b", Status: runner.Skipped, Note: "a failed"})
	p.Close()
	want := "[a] ▶ plan\n[a] ✓ succeeded in 1.5s\n[b] – skipped: a failed\n"
	if term.String() != want {
		t.Errorf("stream:\n%q\nwant:\n%q", term.String(), want)
	}
	var plan strings.Builder
	p.WritePlan(&plan, "a", "plan")
	if plan.Len() != 0 {
		t.Errorf("a streamed run printed its plan again: %q", plan.String())
	}
}

// In a live run the step goes to the view, not as a line, and the plan is
// printed afterwards under its heading.
func TestLiveRunKeepsThePlanForLater(t *testing.T) {
	var term strings.Builder
	p := NewProgress(ProgressOptions{Command: "plan", Env: "dev", LogDir: t.TempDir(), Term: &term})
	p.live = &live{p: p} // drawn by hand: no ticker
	p.Queued([]string{"a"})
	p.Started("a")
	p.Step("a", "plan")
	fmt.Fprint(p.Output("a"), "a: Refreshing state...\n\n+ create\n")
	if term.Len() != 0 {
		t.Errorf("a live run wrote to the terminal outside the view: %q", term.String())
	}
	var plan strings.Builder
	p.WritePlan(&plan, "a", "new plan")
	if want := "\n── a new plan ──\n+ create\n"; plan.String() != want {
		t.Errorf("plan %q, want %q", plan.String(), want)
	}
}

func TestLogNameAndTitle(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		o        ProgressOptions
		log, hdr string
	}{
		{ProgressOptions{Command: "plan"}, "plan.log", "stackctl plan dev"},
		{ProgressOptions{Command: "apply", LogName: "apply-plan", Title: "apply: planning"}, "apply-plan.log", "stackctl apply: planning dev"},
	} {
		var term strings.Builder
		c.o.Env, c.o.LogDir, c.o.Term = "dev", dir, &term
		p := NewProgress(c.o)
		p.live = &live{p: p}
		p.Queued([]string{"u"})
		p.Output("u")
		if got := p.LogPath("u"); got != filepath.Join(dir, "u", c.log) {
			t.Errorf("%+v: log %s, want u/%s", c.o, got, c.log)
		}
		p.live.draw(false)
		if !strings.Contains(term.String(), c.hdr+"  ") {
			t.Errorf("%+v: header %q, want %q", c.o, term.String(), c.hdr)
		}
	}
}
