package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

func paint(color bool, s, code string) string {
	if !color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
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
	// The buffer never holds more than max, so room is never negative.
	if room := c.max - c.buf.Len(); len(b) > room {
		c.buf.Write(b[:room])
		c.cut = true
	} else {
		c.buf.Write(b)
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

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}

// PlanText is a plan's output as people want to read it: the diff, without
// the refresh log terraform prints before it (every "Refreshing state…"
// and data source read); the unit's log keeps all of it.
func PlanText(s string) string {
	var b strings.Builder
	blank := false
	for _, line := range strings.SplitAfter(s, "\n") {
		if isRefreshNoise(line) {
			continue
		}
		// Dropped lines leave runs of blank lines behind.
		if strings.TrimSpace(line) == "" {
			if blank || b.Len() == 0 {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		b.WriteString(line)
	}
	return b.String()
}

func isRefreshNoise(line string) bool {
	l := strings.TrimSpace(line)
	switch {
	case strings.HasSuffix(l, ": Refreshing state..."), strings.Contains(l, ": Refreshing state... [id="),
		strings.HasSuffix(l, ": Reading..."), strings.Contains(l, ": Read complete after "),
		l == "Acquiring state lock. This may take a few moments...", l == "Releasing state lock. This may take a few moments...":
		return true
	}
	return false
}
