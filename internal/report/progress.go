// Package report shows a run: a live status view on a terminal or unit-
// prefixed streaming output elsewhere, full logs per unit, and the final
// summary as a table or JSON. It consumes runner events and never drives
// the run.
package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/stackctl/stackctl/internal/runner"
)

// ProgressOptions configure a Progress.
type ProgressOptions struct {
	Command string
	Env     string
	// LogDir receives <unit path>/<command>.log for every unit.
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
	log     *os.File
	logPath string
	// captures keeps each step's output in a live run, to show after it.
	captures map[string]*cappedBuffer
	current  *cappedBuffer
	prefix   *prefixWriter
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

// Progress follows a run; it implements runner.Observer.
type Progress struct {
	o     ProgressOptions
	mu    sync.Mutex
	term  *lockedWriter
	order []string
	units map[string]*unitState
	start time.Time

	drawn int
	stop  chan struct{}
	done  chan struct{}
	// logErr is the first log that could not be written, told at Close.
	logErr error
}

// NewProgress starts following a run.
func NewProgress(o ProgressOptions) *Progress {
	p := &Progress{o: o, term: &lockedWriter{w: o.Term}, units: map[string]*unitState{}, start: time.Now()}
	if o.Live {
		p.stop = make(chan struct{})
		p.done = make(chan struct{})
		go p.loop()
	}
	return p
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
	if p.o.Live {
		if s.captures == nil {
			s.captures = map[string]*cappedBuffer{}
		}
		s.current = &cappedBuffer{max: 1 << 20}
		s.captures[step] = s.current
	}
	p.mu.Unlock()
	if !p.o.Live {
		p.term.printf("%s ▶ %s\n", p.tag(unit), step)
	}
}

// Output implements runner.Observer: the unit's log file, plus either the
// prefixed stream or an in-memory copy shown after a live run.
func (p *Progress) Output(unit string) io.Writer {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.units[unit]
	var ws []io.Writer
	path := filepath.Join(p.o.LogDir, filepath.FromSlash(unit), p.o.Command+".log")
	f, err := openLog(path)
	if err != nil {
		// The run goes on without this log; the summary must not point to
		// a file that does not exist.
		if p.logErr == nil {
			p.logErr = err
		}
	} else {
		s.log, s.logPath = f, path
		fmt.Fprintf(f, "# stackctl %s %s --unit %s, %s\n", p.o.Command, p.o.Env, unit, time.Now().Format(time.RFC3339))
		ws = append(ws, f)
	}
	if p.o.Live {
		ws = append(ws, stepCapture{p: p, unit: unit})
	} else {
		s.prefix = &prefixWriter{w: p.term, prefix: p.tag(unit) + " "}
		ws = append(ws, s.prefix)
	}
	return io.MultiWriter(ws...)
}

func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
}

// Finished implements runner.Observer.
func (p *Progress) Finished(r runner.Result) {
	p.mu.Lock()
	s := p.units[r.Unit]
	if s == nil {
		s = &unitState{}
		p.units[r.Unit] = s
	}
	s.status = r.Status
	s.elapsed = r.Duration
	s.note = resultNote(r)
	if s.prefix != nil {
		s.prefix.flush()
	}
	if s.log != nil {
		if r.Err != nil {
			fmt.Fprintf(s.log, "\n# %s: %v\n", r.Status, r.Err)
		} else {
			fmt.Fprintf(s.log, "\n# %s in %s\n", r.Status, roundDuration(r.Duration))
		}
		s.log.Close()
		s.log = nil
	}
	p.mu.Unlock()
	if !p.o.Live {
		line := fmt.Sprintf("%s %s %s", p.tag(r.Unit), p.symbol(r.Status), r.Status)
		if r.Duration > 0 {
			line += " in " + roundDuration(r.Duration)
		}
		if s.note != "" {
			line += ": " + s.note
		}
		p.term.printf("%s\n", line)
	}
}

// LogPath returns where a unit's log was written ("" when not run).
func (p *Progress) LogPath(unit string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.units[unit]; s != nil {
		return s.logPath
	}
	return ""
}

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

// Close stops the live view after drawing the final state, and tells
// when unit logs could not be written.
func (p *Progress) Close() {
	if p.o.Live {
		close(p.stop)
		<-p.done
	}
	p.mu.Lock()
	err := p.logErr
	p.mu.Unlock()
	if err != nil {
		p.term.printf("stackctl: warning: some unit logs were not written (%v); check that %s is writable\n", err, p.o.LogDir)
	}
}

// WriteCaptured prints, after a live run, what the status view did not:
// the plan of every unit with changes, and the end of each failed step's
// output. A streamed run showed all of it already.
func (p *Progress) WriteCaptured(w io.Writer, results []runner.Result) {
	if !p.o.Live {
		return
	}
	for _, r := range results {
		var text string
		switch {
		case r.Status == runner.Failed:
			text = tail(p.Captured(r.Unit, ""), 40)
		case p.o.Command == "plan" && r.HasChanges:
			text = p.Captured(r.Unit, "plan")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(w, "\n── %s %s ──\n%s", r.Unit, p.o.Command, text)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}

func (p *Progress) loop() {
	defer close(p.done)
	t := time.NewTicker(120 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.draw(true)
			return
		case <-t.C:
			p.draw(false)
		}
	}
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func (p *Progress) draw(final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.order) == 0 {
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
	head := fmt.Sprintf("stackctl %s %s  %s", p.o.Command, p.o.Env, roundDuration(now.Sub(p.start)))
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
	for i, l := range lines {
		lines[i] = truncate(l, cols)
	}
	var b bytes.Buffer
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	for _, l := range lines {
		b.WriteString("\x1b[2K\r")
		b.WriteString(l)
		b.WriteString("\n")
	}
	for i := len(lines); i < p.drawn; i++ {
		b.WriteString("\x1b[2K\n")
	}
	if p.drawn > len(lines) {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn-len(lines))
	}
	p.drawn = len(lines)
	p.term.write(b.Bytes())
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

func paint(color bool, s, code string) string {
	if !color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func resultNote(r runner.Result) string {
	if r.Err != nil {
		first, _, _ := strings.Cut(r.Err.Error(), "\n")
		return first
	}
	if r.Changes != nil && r.HasChanges {
		return changesText(r.Changes)
	}
	return r.Note
}

func changesText(c *runner.Changes) string {
	s := fmt.Sprintf("%d to add, %d to change, %d to destroy", c.Add, c.Change, c.Destroy)
	if c.Import > 0 {
		s = fmt.Sprintf("%d to import, ", c.Import) + s
	}
	return s
}

func roundDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	default:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
}

// truncate cuts s to n columns (runes; colour escapes take none) and ends
// it with "…" when cut, closing any colour it cut into.
func truncate(s string, n int) string {
	if n < 1 || visibleLen(s) <= n {
		return s
	}
	var b strings.Builder
	cols, colored := 0, false
	for i := 0; i < len(s); {
		if j := escapeEnd(s, i); j > i {
			b.WriteString(s[i:j])
			colored = true
			i = j
			continue
		}
		if cols == n-1 {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		cols++
		i += size
	}
	b.WriteString("…")
	if colored {
		b.WriteString("\x1b[0m")
	}
	return b.String()
}

func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if j := escapeEnd(s, i); j > i {
			i = j
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		n++
		i += size
	}
	return n
}

// escapeEnd returns the end of the colour escape (ESC [ … letter) that
// starts at s[i], or i when none does.
func escapeEnd(s string, i int) int {
	if i+1 >= len(s) || s[i] != '\x1b' || s[i+1] != '[' {
		return i
	}
	for j := i + 2; j < len(s); j++ {
		if s[j] >= 0x40 && s[j] <= 0x7e {
			return j + 1
		}
	}
	return i
}

// lockedWriter serialises writes from several units onto one stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) write(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(b)
}

func (l *lockedWriter) printf(format string, args ...any) {
	l.write([]byte(fmt.Sprintf(format, args...)))
}

// prefixWriter writes whole lines, each with the unit's prefix, so that
// parallel units' output interleaves by line and never mid-line.
type prefixWriter struct {
	mu     sync.Mutex
	w      *lockedWriter
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	var out bytes.Buffer
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		out.WriteString(p.prefix)
		out.Write(p.buf[:i+1])
		p.buf = p.buf[i+1:]
	}
	if out.Len() > 0 {
		p.w.write(out.Bytes())
	}
	return len(b), nil
}

func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.w.write([]byte(p.prefix + string(p.buf) + "\n"))
		p.buf = nil
	}
}

// cappedBuffer keeps the first max bytes of a unit's output.
type cappedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
	cut bool
}

func (c *cappedBuffer) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - c.buf.Len(); room > 0 {
		if len(b) > room {
			c.buf.Write(b[:room])
			c.cut = true
		} else {
			c.buf.Write(b)
		}
	} else {
		c.cut = true
	}
	return len(b), nil
}

func (c *cappedBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.buf.String()
	if c.cut {
		s += "\n… (output cut; the whole of it is in the log)\n"
	}
	return s
}
