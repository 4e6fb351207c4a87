package iostreams

import (
	"bytes"
	"testing"
)

// Colour needs a terminal and no NO_COLOR / --no-color, per stream.
func TestColourNeedsATerminalAndNoOptOut(t *testing.T) {
	var b bytes.Buffer
	s := Test(nil, &b, &b)
	if s.ColorOut() || s.ColorErr() {
		t.Fatal("colour on a buffer")
	}
	s.SetOutTTY(true)
	if !s.ColorOut() || s.ColorErr() {
		t.Fatal("stdout a terminal: colour on stdout only")
	}
	s.SetErrTTY(true)
	s.SetOutTTY(false)
	if s.ColorOut() || !s.ColorErr() {
		t.Fatal("stderr a terminal: colour on stderr only")
	}
	s.SetOutTTY(true)
	s.NoColor = true
	if s.ColorOut() || s.ColorErr() {
		t.Fatal("NoColor: no colour on either")
	}
	if !s.OutIsTerminal() || s.InIsTerminal() {
		t.Fatal("terminal flags")
	}
}

// An unknown width (0, as a pipe reports) is taken as 100 columns; the
// height stays 0, which the live view reads as "not a terminal's".
func TestSize(t *testing.T) {
	s := Test(nil, nil, nil)
	if s.Width() != 100 || s.Height() != 0 {
		t.Fatalf("default size %dx%d", s.Width(), s.Height())
	}
	s.SetSize(80, 24)
	if s.Width() != 80 || s.Height() != 24 {
		t.Fatalf("set size %dx%d", s.Width(), s.Height())
	}
	s.SetSize(0, 0)
	if s.Width() != 100 {
		t.Fatalf("unknown width: %d", s.Width())
	}
}
