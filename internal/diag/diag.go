// Package diag prints configuration diagnostics the way compilers do: the
// summary, then file:line:col (which editors and terminals turn into
// links), the source line with the offending range underlined, then the
// explanation.
package diag

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// Write prints diagnostics. files maps file names (as in the diagnostics'
// ranges) to parsed files, for the snippets.
func Write(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File, color bool, width int) {
	for i, d := range diags {
		if i > 0 {
			fmt.Fprintln(w)
		}
		writeOne(w, d, files, color, width)
	}
}

func writeOne(w io.Writer, d *hcl.Diagnostic, files map[string]*hcl.File, color bool, width int) {
	label, code := "Error", "31;1"
	if d.Severity == hcl.DiagWarning {
		label, code = "Warning", "33;1"
	}
	fmt.Fprintf(w, "%s %s\n", paint(color, label+":", code), paint(color, d.Summary, "1"))
	if d.Subject != nil {
		r := *d.Subject
		fmt.Fprintf(w, "  --> %s\n", At(r))
		if f := files[r.Filename]; f != nil {
			snippet(w, f.Bytes, r, color)
		}
	}
	if d.Detail != "" {
		for _, line := range wrap(d.Detail, width-2) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if rel, ok := hcl.DiagnosticExtra[*Related](d); ok {
		fmt.Fprintf(w, "  %s %s\n", paint(color, "note:", "36;1"), rel.Note)
		fmt.Fprintf(w, "  --> %s\n", At(rel.Subject))
		if f := files[rel.Subject.Filename]; f != nil {
			snippet(w, f.Bytes, rel.Subject, color)
		}
	}
}

// Related is a second place a diagnostic concerns, printed after the detail
// with its own snippet: where the name a typo was meant to be is defined,
// say, when the error itself is reported where the name is used. It travels
// in hcl.Diagnostic.Extra; AddRelated keeps whatever Extra held before.
type Related struct {
	Note    string
	Subject hcl.Range
	inner   any
}

// UnwrapDiagnosticExtra lets hcl.DiagnosticExtra find what Extra held
// before the Related was added.
func (r *Related) UnwrapDiagnosticExtra() any { return r.inner }

// AddRelated attaches a second location to d.
func AddRelated(d *hcl.Diagnostic, note string, subject hcl.Range) {
	d.Extra = &Related{Note: note, Subject: subject, inner: d.Extra}
}

// At formats where a range starts as file:line:col, the form editors and
// terminals turn into links (hcl.Range.String gives file:line,col-col).
func At(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// snippet prints the lines of r with a caret line under its first line.
func snippet(w io.Writer, src []byte, r hcl.Range, color bool) {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	last := r.End.Line
	if r.End.Line > r.Start.Line+2 {
		last = r.Start.Line + 2 // long ranges: the first lines say enough
	}
	gutter := len(fmt.Sprint(last))
	fmt.Fprintf(w, "  %*s |\n", gutter, "")
	for n := 1; sc.Scan(); n++ {
		if n < r.Start.Line {
			continue
		}
		if n > last {
			break
		}
		line := strings.ReplaceAll(sc.Text(), "\t", " ")
		fmt.Fprintf(w, "  %*d | %s\n", gutter, n, line)
		if n == r.Start.Line {
			// Columns count characters, not bytes: "é" before the range
			// must shift the carets by one, not two.
			chars := utf8.RuneCountInString(line)
			start := min(max(r.Start.Column-1, 0), chars)
			end := chars
			if r.End.Line == r.Start.Line {
				end = r.End.Column - 1
			}
			end = min(max(end, start+1), max(chars, start+1))
			marks := strings.Repeat(" ", start) + strings.Repeat("^", end-start)
			fmt.Fprintf(w, "  %*s | %s\n", gutter, "", paint(color, marks, "31;1"))
		}
	}
}

func wrap(text string, width int) []string {
	if width < 40 {
		width = 40
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := words[0]
		for _, word := range words[1:] {
			if len(line)+1+len(word) > width {
				out = append(out, line)
				line = word
				continue
			}
			line += " " + word
		}
		out = append(out, line)
	}
	return out
}

func paint(color bool, s, code string) string {
	if !color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
