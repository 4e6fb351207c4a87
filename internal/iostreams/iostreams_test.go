package iostreams

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// Only "yes" approves, one answer per line, and an input that ends says
// so instead of failing with a bare "EOF".
func TestConfirmReadsOneAnswerPerQuestion(t *testing.T) {
	var errOut strings.Builder
	s := Test(strings.NewReader("yes\nno\n  yes  \nYes\nyes"), &strings.Builder{}, &errOut)
	for i, want := range []bool{true, false, true, false, true} {
		got, err := s.Confirm("Apply?")
		if err != nil || got != want {
			t.Fatalf("answer %d: Confirm() = %v, %v; want %v", i+1, got, err, want)
		}
	}
	got, err := s.Confirm("Apply?")
	if got || !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("after the input ended: Confirm() = %v, %v; want false, ErrNoAnswer", got, err)
	}
	if !strings.Contains(err.Error(), "input ended") {
		t.Errorf("the error does not say the input ended: %v", err)
	}
	if n := strings.Count(errOut.String(), "Only 'yes' will be accepted"); n != 6 {
		t.Errorf("the question was asked %d times on stderr, want 6:\n%s", n, errOut.String())
	}
}

func TestConfirmContextGivesUpWhenCancelled(t *testing.T) {
	r, w := ioPipe(t)
	defer w.Close()
	s := Test(r, &strings.Builder{}, &strings.Builder{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, err := s.ConfirmContext(ctx, "Apply?"); got || !errors.Is(err, context.Canceled) {
		t.Fatalf("ConfirmContext() = %v, %v; want false, context.Canceled", got, err)
	}
}

// ioPipe is an input nobody writes to: a question on it waits.
func ioPipe(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, w
}
