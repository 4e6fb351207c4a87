// Package report shows a run: a live status view on a terminal or unit-
// prefixed streaming output elsewhere, full logs per unit, and the results
// of operations as views (human text, JSON, markdown). It consumes runner
// events and result values and never drives the run.
package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/runner"
)

// ProgressOptions configure a Progress.
type ProgressOptions struct {
	// Command names the operation in the live view's header and the logs.
	Command string
	// Title replaces Command in the live view's header ("apply: planning").
	Title string
	// LogName is the log file's name without .log; default Command.
	LogName string
	Env     string
	// LogDir receives <unit path>/<LogName>.log for every unit.
	LogDir string
	// Live draws a status view on Term (a terminal); otherwise terraform's
	// output is streamed to Term with a "[unit] " prefix on every line.
	Live  bool
	Term  io.Writer
	Color bool
	// Height is the terminal's height; the live view shows fewer lines
	// when the run has more units than fit.
	Height int
	// Width is the terminal's width: a live line longer than that would
	// wrap, and redrawing in place would then overwrite the wrong lines.
	Width int
}

type unitState struct {
	status  runner.Status
	step    string
	started time.Time
	elapsed time.Duration
	note    string
	// captures keeps each step's output in a live run, to show after it.
	captures map[string]*cappedBuffer
	current  *cappedBuffer
	prefix   *prefixWriter
}

// Progress follows a run; it implements runner.Observer by fanning events
// out to the unit logs and to either the live view or the stream.
type Progress struct {
	o     ProgressOptions
	mu    sync.Mutex
	term  *lockedWriter
	order []string
	units map[string]*unitState
	start time.Time
	logs  *logs
	live  *live
}

// NewProgress starts following a run.
func NewProgress(o ProgressOptions) *Progress {
	if o.LogName == "" {
		o.LogName = o.Command
	}
	p := &Progress{o: o, term: &lockedWriter{w: o.Term}, units: map[string]*unitState{}, start: time.Now(),
		logs: newLogs(o.LogDir, o.LogName, o.Command, o.Env)}
	if o.Live {
		p.live = &live{p: p, stop: make(chan struct{}), done: make(chan struct{})}
		go p.live.loop()
	}
	return p
}

func (p *Progress) title() string {
	if p.o.Title != "" {
		return p.o.Title
	}
	return p.o.Command
}

// Queued implements runner.Observer.
func (p *Progress) Queued(units []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.order = append([]string(nil), units...)
	for _, u := range units {
		p.units[u] = &unitState{status: runner.Waiting}
	}
}

// Started implements runner.Observer.
func (p *Progress) Started(unit string) {
	p.mu.Lock()
	s := p.units[unit]
	s.status = runner.Running
	s.started = time.Now()
	p.mu.Unlock()
}

// Step implements runner.Observer.
func (p *Progress) Step(unit, step string) {
	p.mu.Lock()
	s := p.units[unit]
	s.step = step
	if p.live != nil {
		if s.captures == nil {
			s.captures = map[string]*cappedBuffer{}
		}
		s.current = &cappedBuffer{max: 1 << 20}
		s.captures[step] = s.current
	}
	p.mu.Unlock()
	if p.live == nil {
		p.term.printf("%s ▶ %s\n", p.tag(unit), step)
	}
}

// Output implements runner.Observer: the unit's log file, plus either the
// prefixed stream or an in-memory copy shown after a live run.
func (p *Progress) Output(unit string) io.Writer {
	var ws []io.Writer
	if f := p.logs.open(unit); f != nil {
		ws = append(ws, f)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.units[unit]
	if p.live != nil {
		ws = append(ws, stepCapture{p: p, unit: unit})
	} else {
		s.prefix = &prefixWriter{w: p.term, prefix: p.tag(unit) + " "}
		ws = append(ws, s.prefix)
	}
	return io.MultiWriter(ws...)
}

// Finished implements runner.Observer.
func (p *Progress) Finished(e runner.Event) {
	p.mu.Lock()
	s := p.units[e.Unit]
	if s == nil {
		s = &unitState{}
		p.units[e.Unit] = s
	}
	s.status = e.Status
	s.elapsed = e.Duration
	s.note = eventNote(e)
	if s.prefix != nil {
		s.prefix.flush()
	}
	p.mu.Unlock()
	p.logs.finish(e)
	if p.live == nil {
		line := fmt.Sprintf("%s %s %s", p.tag(e.Unit), p.symbol(e.Status), e.Status)
		if e.Duration > 0 {
			line += " in " + roundDuration(e.Duration)
		}
		if s.note != "" {
			line += ": " + s.note
		}
		p.term.printf("%s\n", line)
	}
}

func eventNote(e runner.Event) string {
	if e.Err != nil {
		first, _, _ := strings.Cut(e.Err.Error(), "\n")
		return first
	}
	return e.Note
}

// LogPath returns where a unit's log was written ("" when not run).
func (p *Progress) LogPath(unit string) string { return p.logs.path(unit) }

// Captured returns what a unit wrote during one step of a live run ("" in
// a streamed run, where everything was shown already). With step "" it is
// the last step's.
func (p *Progress) Captured(unit, step string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.units[unit]
	if s == nil {
		return ""
	}
	buf := s.current
	if step != "" {
		buf = s.captures[step]
	}
	if buf == nil {
		return ""
	}
	return buf.String()
}

// CapturedAll returns what a unit wrote during the last step of a live
// run: for `run`, the terraform command itself.
func (p *Progress) CapturedAll(unit string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.units[unit]
	if s == nil || s.current == nil {
		return ""
	}
	return s.current.String()
}

// Live reports whether the run is drawn as a live view.
func (p *Progress) Live() bool { return p.live != nil }

// Pause stops redrawing the live view, so that something else can be
// written to the terminal below it; Resume draws it again underneath.
func (p *Progress) Pause() {
	if p.live == nil {
		return
	}
	p.live.draw(false)
	p.mu.Lock()
	p.live.paused = true
	p.mu.Unlock()
}

// Resume draws the live view again, below what was written meanwhile.
func (p *Progress) Resume() {
	if p.live == nil {
		return
	}
	p.mu.Lock()
	p.live.paused = false
	p.live.drawn = 0
	p.mu.Unlock()
}

// Close stops the live view after drawing the final state, and tells
// when unit logs could not be written.
func (p *Progress) Close() {
	if p.live != nil {
		p.Resume()
		close(p.live.stop)
		<-p.live.done
	}
	if err := p.logs.failure(); err != nil {
		p.term.printf("stackctl: warning: some unit logs were not written (%v); check that %s is writable\n", err, p.o.LogDir)
	}
}

// WriteCaptured prints, after a live run, what the status view did not:
// the plan of every unit with changes (the diff, not the refresh log), and
// the end of each failed step's output. A streamed run showed all of it
// already.
func (p *Progress) WriteCaptured(w io.Writer, units []ops.UnitOutcome) {
	if p.live == nil {
		return
	}
	for _, u := range units {
		var text string
		switch {
		case u.Status == runner.Failed:
			text = tail(p.Captured(u.Unit, ""), 40)
		case u.HasChanges && p.o.Command == "plan":
			text = PlanText(p.Captured(u.Unit, "plan"))
		case p.o.Command == "run":
			// What the command printed is what was asked for.
			text = p.CapturedAll(u.Unit)
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(w, "\n── %s %s ──\n%s", u.Unit, p.o.Command, text)
	}
}

// WritePlan prints one unit's captured plan under a heading that says
// what it is ("plan", "new plan"); live runs only, a stream showed it.
func (p *Progress) WritePlan(w io.Writer, unit, heading string) {
	if p.live == nil {
		return
	}
	if text := PlanText(p.Captured(unit, "plan")); strings.TrimSpace(text) != "" {
		fmt.Fprintf(w, "\n── %s %s ──\n%s", unit, heading, text)
	}
}

func (p *Progress) tag(unit string) string { return p.paint("["+unit+"]", "2") }

func (p *Progress) symbol(s runner.Status) string {
	switch s {
	case runner.Succeeded:
		return p.paint("✓", "32")
	case runner.Failed:
		return p.paint("✗", "31")
	case runner.Skipped:
		return p.paint("–", "33")
	case runner.Interrupted:
		return p.paint("!", "33")
	case runner.Running:
		return p.paint("▶", "36")
	default:
		return "·"
	}
}

func (p *Progress) paint(s, code string) string { return paint(p.o.Color, s, code) }
