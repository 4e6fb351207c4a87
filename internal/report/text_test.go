package report

import (
	"strings"
	"testing"
)

func TestEscapeEnd(t *testing.T) {
	for _, c := range []struct {
		s    string
		i    int
		want int
	}{
		{"\x1b", 0, 0},      // ESC at the end: no escape
		{"a\x1b", 1, 1},     // likewise after text
		{"\x1b[12", 0, 0},   // never terminated
		{"\x1b[2@x", 0, 4},  // '@' is the lowest final byte
		{"\x1b[2~x", 0, 4},  // '~' the highest
		{"\x1b[31mx", 0, 5}, // a colour
		{"x\x1b[0m", 1, 5},  // from the middle
		{"\x1b(0", 0, 0},    // not a CSI
	} {
		if got := escapeEnd(c.s, c.i); got != c.want {
			t.Errorf("escapeEnd(%q, %d) = %d, want %d", c.s, c.i, got, c.want)
		}
	}
}

func TestCappedBufferKeepsTheFirstBytes(t *testing.T) {
	c := &cappedBuffer{max: 4}
	c.Write([]byte("ab"))
	c.Write([]byte("cd")) // exactly fills it: nothing is lost
	if got := c.String(); got != "abcd" {
		t.Errorf("filled to the cap: %q", got)
	}
	c.Write(nil) // an empty write to a full buffer loses nothing
	if got := c.String(); got != "abcd" {
		t.Errorf("empty write when full: %q", got)
	}
	c.Write([]byte("e"))
	if got := c.String(); !strings.HasPrefix(got, "abcd\n… (output cut") {
		t.Errorf("over the cap: %q", got)
	}
	d := &cappedBuffer{max: 4}
	d.Write([]byte("abcdef"))
	if got := d.String(); !strings.HasPrefix(got, "abcd\n…") {
		t.Errorf("one write over the cap: %q", got)
	}
}

func TestTailKeepsTheLastLines(t *testing.T) {
	if got := tail("a\nb\n", 2); got != "a\nb\n" {
		t.Errorf("two lines, tail 2: %q", got)
	}
	if got := tail("a\nb\nc\n", 2); got != "…\nb\nc\n" {
		t.Errorf("three lines, tail 2: %q", got)
	}
}
