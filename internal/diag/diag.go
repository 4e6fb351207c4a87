// Package diag prints configuration diagnostics the way compilers do: the
// summary, then file:line:col (which editors and terminals turn into
// links), the source line with the offending range underlined, then the
// explanation.
package diag

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// MaxShown is how many diagnostics Write prints; the rest are counted. A
// binary or badly broken file can yield thousands, and the first few are
// what needs fixing.
const MaxShown = 20

// Write prints diagnostics. files maps file names (as in the diagnostics'
// ranges) to parsed files, for the snippets.
func Write(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File, color bool, width int) {
	for i, d := range diags {
		if i == MaxShown {
			fmt.Fprintf(w, "\n%d more not shown: fix the ones above first.\n", len(diags)-i)
			return
		}
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
	fmt.Fprintf(w, "%s %s\n", paint(color, label+":", code), paint(color, printable(d.Summary, 200), "1"))
	if d.Subject != nil {
		r := *d.Subject
		fmt.Fprintf(w, "  --> %s\n", At(r))
		if f := files[r.Filename]; f != nil {
			snippet(w, f.Bytes, r, color)
		}
	}
	if d.Detail != "" {
		for _, line := range wrap(printable(d.Detail, 2000), width-2) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if rel, ok := hcl.DiagnosticExtra[*Related](d); ok {
		fmt.Fprintf(w, "  %s %s\n", paint(color, "note:", "36;1"), printable(rel.Note, 200))
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

// maxWidth is how many characters of a source line a snippet shows:
// enough for any line people write, and a bound on a minified or binary
// one.
const maxWidth = 120

// snippet prints the lines of r with a caret line under its first line.
// Lines are cut to maxWidth characters around the range, and bytes that
// would not print (control characters, invalid UTF-8) are shown escaped,
// so a binary file cannot garble the terminal.
func snippet(w io.Writer, src []byte, r hcl.Range, color bool) {
	// Long ranges: the first three lines say enough.
	last := min(max(r.End.Line, r.Start.Line), r.Start.Line+2)
	gutter := len(fmt.Sprint(last))
	fmt.Fprintf(w, "  %*s |\n", gutter, "")
	rest := src
	for n := 1; n <= last && len(rest) > 0; n++ {
		raw := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if n < r.Start.Line {
			continue
		}
		disp, at := displayLine(bytes.TrimSuffix(raw, []byte("\r")))
		if n != r.Start.Line {
			line, _ := window(disp, 0)
			fmt.Fprintf(w, "  %*d | %s\n", gutter, n, line)
			continue
		}
		// Columns count characters, not bytes: "é" before the range must
		// shift the carets by one, not two.
		chars := len(at) - 1
		start := min(max(r.Start.Column-1, 0), chars)
		end := chars
		if r.End.Line == r.Start.Line {
			end = min(max(r.End.Column-1, start), chars)
		}
		from, to := at[start], at[end]
		ws := 0
		if from > maxWidth-20 {
			ws = from - 20
		}
		line, shift := window(disp, ws)
		from, to = from-ws+shift, min(to-ws+shift, utf8.RuneCountInString(line))
		marks := strings.Repeat(" ", from) + strings.Repeat("^", max(to-from, 1))
		fmt.Fprintf(w, "  %*d | %s\n", gutter, n, line)
		fmt.Fprintf(w, "  %*s | %s\n", gutter, "", paint(color, marks, "31;1"))
	}
}

// displayLine turns a source line into what is printed, and at[i] is where
// the line's i-th character starts in it (at[len] is the end).
func displayLine(line []byte) (disp []rune, at []int) {
	for i := 0; i < len(line); {
		r, n := utf8.DecodeRune(line[i:])
		at = append(at, len(disp))
		switch {
		case r == utf8.RuneError && n <= 1:
			disp = append(disp, []rune(fmt.Sprintf(`\x%02x`, line[i]))...)
		case r == '\t':
			disp = append(disp, ' ')
		case !unicode.IsPrint(r):
			disp = append(disp, []rune(escapeRune(r))...)
		default:
			disp = append(disp, r)
		}
		i += n
	}
	return disp, append(at, len(disp))
}

// window returns maxWidth characters of disp from ws, marked with … where
// cut, and how far the text moved right (1 when cut at the front).
func window(disp []rune, ws int) (string, int) {
	we := min(len(disp), ws+maxWidth)
	out, shift := string(disp[ws:we]), 0
	if ws > 0 {
		out, shift = "…"+out, 1
	}
	if we < len(disp) {
		out += "…"
	}
	return out, shift
}

// printable escapes what would not print in a message (keeping line
// breaks) and cuts it to limit characters: summaries and details may quote
// the user's bytes.
func printable(s string, limit int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		if n == limit {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' || unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			b.WriteString(escapeRune(r))
		}
		i += size
		n++
	}
	return b.String()
}

func escapeRune(r rune) string {
	switch {
	case r < 0x80:
		return fmt.Sprintf(`\x%02x`, r)
	case r <= 0xffff:
		return fmt.Sprintf(`\u%04x`, r)
	default:
		return fmt.Sprintf(`\U%08x`, r)
	}
}

func wrap(text string, width int) []string {
	width = max(width, 40)
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
