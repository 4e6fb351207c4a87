package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/runner"
)

// live draws every unit's status in place on a terminal, and keeps each
// step's output in memory to show after the run (terraform's output would
// scroll the view away).
type live struct {
	p     *Progress
	stop  chan struct{}
	done  chan struct{}
	drawn int
	// paused stops drawing while someone else writes to the terminal (a
	// question in the middle of a run).
	paused bool
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func (l *live) loop() {
	defer close(l.done)
	t := time.NewTicker(120 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			l.draw(true)
			return
		case <-t.C:
			l.draw(false)
		}
	}
}

// stepCapture writes to whichever step's buffer is current.
type stepCapture struct {
	p    *Progress
	unit string
}

func (c stepCapture) Write(b []byte) (int, error) {
	c.p.mu.Lock()
	buf := c.p.units[c.unit].current
	c.p.mu.Unlock()
	if buf == nil {
		return len(b), nil
	}
	return buf.Write(b)
}

func (l *live) draw(final bool) {
	p := l.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.order) == 0 || l.paused {
		return
	}
	now := time.Now()
	width := 0
	for _, u := range p.order {
		width = max(width, len(u))
	}
	counts := map[runner.Status]int{}
	for _, u := range p.order {
		counts[p.units[u].status]++
	}
	var lines []string
	head := fmt.Sprintf("stackctl %s %s  %s", p.title(), p.o.Env, roundDuration(now.Sub(p.start)))
	var parts []string
	for _, st := range []runner.Status{runner.Running, runner.Waiting, runner.Succeeded, runner.Failed, runner.Skipped, runner.Interrupted} {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	lines = append(lines, p.paint(head, "1")+"  "+strings.Join(parts, ", "))
	// Too many units for the screen: show what is moving or went wrong.
	limit := p.o.Height - 2
	compact := limit > 0 && len(p.order) > limit
	frame := int(now.Sub(p.start)/(120*time.Millisecond)) % len(spinner)
	for _, u := range p.order {
		s := p.units[u]
		if compact && s.status != runner.Running && s.status != runner.Failed && !final {
			continue
		}
		if compact && final && s.status == runner.Succeeded {
			continue
		}
		sym := p.symbol(s.status)
		what := string(s.status)
		dur := ""
		switch s.status {
		case runner.Running:
			sym = p.paint(spinner[frame], "36")
			what = s.step
			dur = roundDuration(now.Sub(s.started))
		case runner.Waiting:
		default:
			if s.elapsed > 0 {
				dur = roundDuration(s.elapsed)
			}
		}
		line := fmt.Sprintf("  %s %-*s  %-10s %7s", sym, width, u, what, dur)
		if s.note != "" && s.status != runner.Running {
			line += "  " + s.note
		}
		lines = append(lines, line)
	}
	cols := 200
	if p.o.Width > 1 {
		// One column spare: some terminals wrap on the last one.
		cols = p.o.Width - 1
	}
	for i, ln := range lines {
		lines[i] = truncate(ln, cols)
	}
	var b bytes.Buffer
	if l.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", l.drawn)
	}
	for _, ln := range lines {
		b.WriteString("\x1b[2K\r")
		b.WriteString(ln)
		b.WriteString("\n")
	}
	for i := len(lines); i < l.drawn; i++ {
		b.WriteString("\x1b[2K\n")
	}
	if l.drawn > len(lines) {
		fmt.Fprintf(&b, "\x1b[%dA", l.drawn-len(lines))
	}
	l.drawn = len(lines)
	p.term.write(b.Bytes())
}
