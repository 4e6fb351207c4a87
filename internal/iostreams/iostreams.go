// Package iostreams is the one place that knows where stackctl's input and
// output go, whether they are terminals and whether colour is wanted.
package iostreams

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// IOStreams are a command's standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	// NoColor turns colour off (--no-color, NO_COLOR).
	NoColor bool
	height  func() int
	width   func() int

	// reader is kept across questions: a fresh bufio.Reader per question
	// could swallow the answer to the next one.
	readerOnce sync.Once
	reader     *bufio.Reader
}

// System returns the process's streams.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.inTTY = term.IsTerminal(int(os.Stdin.Fd()))
	s.outTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.errTTY = term.IsTerminal(int(os.Stderr.Fd()))
	size := func() (int, int) {
		w, h, err := term.GetSize(int(os.Stdout.Fd()))
		if err != nil {
			return 100, 0
		}
		return w, h
	}
	s.width = func() int { w, _ := size(); return w }
	s.height = func() int { _, h := size(); return h }
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		s.NoColor = true
	}
	return s
}

// Test returns streams over buffers, none of them a terminal until a
// Set*TTY says otherwise.
func Test(in io.Reader, out, errOut io.Writer) *IOStreams {
	return &IOStreams{In: in, Out: out, ErrOut: errOut, height: func() int { return 0 }, width: func() int { return 100 }}
}

// SetInTTY makes stdin claim to be a terminal (or not), for tests of
// prompts.
func (s *IOStreams) SetInTTY(v bool) { s.inTTY = v }

// SetOutTTY makes stdout claim to be a terminal, for tests of live views.
func (s *IOStreams) SetOutTTY(v bool) { s.outTTY = v }

// SetErrTTY makes stderr claim to be a terminal.
func (s *IOStreams) SetErrTTY(v bool) { s.errTTY = v }

// SetSize fixes the terminal's size, for tests.
func (s *IOStreams) SetSize(width, height int) {
	s.width = func() int { return width }
	s.height = func() int { return height }
}

// InIsTerminal reports whether stdin is a terminal (confirmation prompts
// need one).
func (s *IOStreams) InIsTerminal() bool { return s.inTTY }

// OutIsTerminal reports whether stdout is a terminal.
func (s *IOStreams) OutIsTerminal() bool { return s.outTTY }

// ColorOut reports whether stdout should be coloured.
func (s *IOStreams) ColorOut() bool { return s.outTTY && !s.NoColor }

// ColorErr reports whether stderr should be coloured.
func (s *IOStreams) ColorErr() bool { return s.errTTY && !s.NoColor }

// Height is the terminal's height in lines (0 when unknown).
func (s *IOStreams) Height() int { return s.height() }

// Width is the terminal's width in columns.
func (s *IOStreams) Width() int {
	if w := s.width(); w > 0 {
		return w
	}
	return 100
}

// ErrNoAnswer is a question whose input ended before any answer: stdin
// closed or empty, as in a pipeline with nothing more to say.
var ErrNoAnswer = errors.New("no answer: the input ended before one was typed (only 'yes' approves)")

// Confirm asks a yes/no question on stderr and reads the answer from
// stdin; only "yes" counts, as with terraform.
func (s *IOStreams) Confirm(question string) (bool, error) {
	return s.ConfirmContext(context.Background(), question)
}

// ConfirmContext is Confirm that gives up, answering no, when ctx ends (an
// interrupt while the question waits).
func (s *IOStreams) ConfirmContext(ctx context.Context, question string) (bool, error) {
	fmt.Fprintf(s.ErrOut, "%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	s.readerOnce.Do(func() { s.reader = bufio.NewReader(s.In) })
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := s.reader.ReadString('\n')
		ch <- answer{line, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(s.ErrOut)
		return false, ctx.Err()
	case a := <-ch:
		if a.err != nil && a.line == "" {
			if errors.Is(a.err, io.EOF) {
				return false, ErrNoAnswer
			}
			return false, a.err
		}
		return strings.TrimSpace(a.line) == "yes", nil
	}
}
