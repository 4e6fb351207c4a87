// Package redact keeps secret values out of everything stackctl prints or
// logs. Terraform hides values only where a variable or attribute is
// declared sensitive; a SecureString passed to a variable that is not would
// show in a plan. The writer here replaces every known secret in
// terraform's output, line by line, before it reaches a screen or a log.
package redact

import (
	"bytes"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"
)

// Mask is what a secret is replaced with.
const Mask = "(sensitive value)"

// minSecretLen keeps trivially short values ("1", "true") from turning
// terraform's output into noise; secrets are longer than this.
const minSecretLen = 4

// Secrets collects the string leaves of a value, for values known to be
// sensitive.
func Secrets(v cty.Value) []string {
	var out []string
	v, _ = v.UnmarkDeep()
	_ = cty.Walk(v, func(_ cty.Path, leaf cty.Value) (bool, error) {
		leaf, _ = leaf.Unmark()
		if leaf.IsKnown() && !leaf.IsNull() && leaf.Type() == cty.String && len(leaf.AsString()) >= minSecretLen {
			out = append(out, leaf.AsString())
		}
		return true, nil
	})
	return out
}

// Writer replaces secrets in complete lines written through it. A partial
// line is held until its newline (or Flush), so a secret split across two
// writes is still caught. Besides the secrets it is given, it learns the
// values terraform itself reveals as resource IDs of secret-shaped types
// (see learn.go) and masks them from that line on.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	secrets [][]byte
	buf     []byte
	// held are complete lines that may end in the beginning of a secret
	// terraform wrapped onto the next line (wrap.go).
	held [][]byte
}

// NewWriter wraps w. With no secrets it still buffers by line, which
// keeps concurrent writers' lines whole.
func NewWriter(w io.Writer, secrets []string) *Writer {
	rw := &Writer{w: w}
	rw.add(secrets)
	return rw
}

// add takes more secrets (in every form terraform prints them).
func (r *Writer) add(secrets []string) {
	uniq := map[string]bool{}
	for _, s := range r.secrets {
		uniq[string(s)] = true
	}
	added := false
	for _, secret := range secrets {
		for _, s := range forms(secret) {
			if len(s) >= minSecretLen && !uniq[s] {
				uniq[s] = true
				r.secrets = append(r.secrets, []byte(s))
				added = true
			}
		}
	}
	if added {
		// Longest first, so a secret containing another is replaced whole.
		sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	}
}

// forms are the ways terraform prints a string: as is; inside quotes, with
// '"', '\' and control characters escaped as strconv.Quote does; and, for
// a multi-line string, as a heredoc, one indented line at a time.
func forms(s string) []string {
	out := []string{s}
	if q := strconv.Quote(s); q[1:len(q)-1] != s {
		out = append(out, q[1:len(q)-1])
	}
	if strings.Contains(s, "\n") {
		for _, line := range strings.Split(s, "\n") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// Write implements io.Writer.
func (r *Writer) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, p...)
	i := bytes.LastIndexByte(r.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	complete := r.buf[:i+1]
	rest := append([]byte(nil), r.buf[i+1:]...)
	r.buf = rest
	if err := r.emit(complete, false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// emit writes complete lines, masked; with more lines to come (final
// false) it holds back those that may end in the start of a wrapped
// secret.
func (r *Writer) emit(b []byte, final bool) error {
	wrap := wrappable(r.secrets)
	if len(wrap) == 0 && len(r.held) == 0 {
		// An ID learned here may have spaces, and the lines after it in b
		// may wrap it: then b takes the wrapping path below.
		r.learn(b)
		if wrap = wrappable(r.secrets); len(wrap) == 0 {
			_, err := r.w.Write(r.scrub(b))
			return err
		}
	}
	lines := append(r.held, bytes.SplitAfter(b, []byte("\n"))...)
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	for _, l := range lines {
		if ids := learnIDs(l); len(ids) > 0 {
			r.add(ids)
			wrap = wrappable(r.secrets)
		}
	}
	lines = maskWrapped(lines, wrap)
	keep := 0
	if !final {
		keep = holdBack(lines, wrap)
	}
	out := lines[:len(lines)-keep]
	r.held = append([][]byte(nil), lines[len(lines)-keep:]...)
	if len(out) == 0 {
		return nil
	}
	_, err := r.w.Write(r.scrub(bytes.Join(out, nil)))
	return err
}

// Flush writes a pending partial line.
func (r *Writer) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) == 0 && len(r.held) == 0 {
		return nil
	}
	b := r.buf
	r.buf = nil
	return r.emit(b, true)
}

// learn takes the secret IDs the lines reveal.
func (r *Writer) learn(b []byte) {
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if ids := learnIDs(line); len(ids) > 0 {
			r.add(ids)
		}
	}
}

// Mask masks every secret the writer knows, given or learned, in s: for
// text that does not pass through the writer, such as the error a failed
// terraform step returns.
func (r *Writer) Mask(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	lines := bytes.SplitAfter([]byte(s), []byte("\n"))
	return string(r.scrub(bytes.Join(maskWrapped(lines, wrappable(r.secrets)), nil)))
}

// scrub may return b itself: terraform's output passes through here, and
// most of it holds no secret.
func (r *Writer) scrub(b []byte) []byte {
	for _, s := range r.secrets {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(Mask))
		}
	}
	return b
}

// String masks secrets in a string, and the secret IDs it reveals.
func String(s string, secrets []string) string {
	var b bytes.Buffer
	w := NewWriter(&b, secrets)
	_, _ = w.Write([]byte(s))
	_ = w.Flush()
	return b.String()
}
