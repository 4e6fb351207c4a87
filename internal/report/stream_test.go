package report

import (
	"strings"
	"testing"
)

// callWriter records every Write, so that an empty write shows too.
type callWriter struct{ calls []string }

func (c *callWriter) Write(b []byte) (int, error) {
	c.calls = append(c.calls, string(b))
	return len(b), nil
}

func TestPrefixWriterWritesWholeLines(t *testing.T) {
	cw := &callWriter{}
	pw := &prefixWriter{w: &lockedWriter{w: cw}, prefix: "[u] "}
	pw.Write([]byte("\nfirst"))
	pw.Write([]byte(" half\nsecond\nthi"))
	pw.Write([]byte("rd"))
	pw.flush()
	pw.flush()
	want := []string{"[u] \n", "[u] first half\n[u] second\n", "[u] third\n"}
	if strings.Join(cw.calls, "|") != strings.Join(want, "|") {
		t.Errorf("writes %q, want %q", cw.calls, want)
	}
}
