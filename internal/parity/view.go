package parity

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/stackctl/stackctl/internal/english"
)

// maxText keeps one value from flooding a view; JSON keeps it whole.
const maxText = 200

// WriteHuman prints the differences unit by unit: undeclared ones marked
// "!", declared ones "~" with their reason, dimmed when color is on.
func (r *Result) WriteHuman(w io.Writer, color bool) {
	fmt.Fprintf(w, "diff-env %s %s: %s\n", r.EnvA, r.EnvB, r.summary())
	width := max(len(r.EnvA), len(r.EnvB))
	unit := ""
	for _, d := range r.Differences {
		if d.Unit != unit {
			unit = d.Unit
			fmt.Fprintf(w, "\n%s\n", paint(color, unit, "1"))
		}
		var b strings.Builder
		mark := paint(color, "!", "31;1")
		if d.Declared {
			mark = "~"
		}
		fmt.Fprintf(&b, "  %s %s\n", mark, d.headline())
		if d.Declared {
			fmt.Fprintf(&b, "      declared: %s (%s)\n", d.Reason, d.DeclaredAt)
		}
		for _, s := range []struct {
			env  string
			side Side
		}{{r.EnvA, d.A}, {r.EnvB, d.B}} {
			fmt.Fprintf(&b, "      %-*s  %s\n", width, s.env, clip(sideText(s.side)))
		}
		if d.comparedAs() {
			fmt.Fprintf(&b, "      compared as %s and %s\n", clip(comparedText(d.A)), clip(comparedText(d.B)))
		}
		text := b.String()
		if d.Declared && color {
			text = dimLines(text)
		}
		io.WriteString(w, text)
	}
}

// WriteMarkdown prints the undeclared differences in one table and the
// declared ones, with their reasons, in another.
func (r *Result) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### diff-env `%s` → `%s`\n\n%s\n", r.EnvA, r.EnvB, mdSummary(r))
	table := func(title string, declared bool) {
		var rows []Difference
		for _, d := range r.Differences {
			if d.Declared == declared {
				rows = append(rows, d)
			}
		}
		if len(rows) == 0 {
			return
		}
		last := "compared as"
		if declared {
			last = "reason"
		}
		fmt.Fprintf(w, "\n#### %s\n\n| unit | difference | %s | %s | %s |\n| --- | --- | --- | --- | --- |\n", title, mdCell(r.EnvA), mdCell(r.EnvB), last)
		for _, d := range rows {
			note := ""
			switch {
			case declared:
				note = mdCell(d.Reason)
			case d.comparedAs():
				note = mdCode(comparedText(d.A)) + " / " + mdCode(comparedText(d.B))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", mdCode(d.Unit), mdCell(d.headline()), mdSide(d.A), mdSide(d.B), note)
		}
	}
	table("Undeclared differences", false)
	table("Declared differences", true)
}

// WriteJSON prints the result as one JSON document.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *Result) summary() string {
	units := fmt.Sprintf("%d units compared", r.Units)
	if r.Units == 1 {
		units = "1 unit compared"
	}
	if r.StateCompared {
		units += ", with their state"
	}
	if len(r.Differences) == 0 {
		return "no differences (" + units + ")"
	}
	return fmt.Sprintf("%s, %d declared (%s)", english.Count(r.Undeclared, "undeclared difference"), r.Declared, units)
}

func mdSummary(r *Result) string {
	s := r.summary()
	if r.Undeclared > 0 {
		return "**" + s + "**"
	}
	return s
}

func (d Difference) headline() string {
	switch d.Kind {
	case KindUnit:
		return "unit " + d.What
	case KindSource, KindVersion:
		return d.What
	case KindDependency:
		return "dependency " + d.Path + ": " + d.What
	case KindResource:
		return d.Path + ": " + d.What
	}
	return d.Path + ": " + d.What
}

// comparedAs reports whether the placeholders are worth showing: both
// sides are there and at least one changed.
func (d Difference) comparedAs() bool {
	return d.A.Present && d.B.Present && (d.A.Compared != "" || d.B.Compared != "")
}

func sideText(s Side) string {
	if !s.Present {
		return "(absent)"
	}
	return s.Text
}

func comparedText(s Side) string {
	if s.Compared != "" {
		return s.Compared
	}
	return sideText(s)
}

func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	return s[:maxText] + "…"
}

func paint(color bool, s, code string) string {
	if !color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// dimLines dims every line on its own, so that a pager or a CI log that
// starts mid-block still shows it dimmed.
func dimLines(text string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if body := strings.TrimSuffix(l, "\n"); body != "" {
			lines[i] = "\x1b[2m" + body + "\x1b[0m" + l[len(body):]
		}
	}
	return strings.Join(lines, "")
}

func mdSide(s Side) string {
	if !s.Present {
		return "—"
	}
	return mdCode(s.Text)
}

// mdCode puts text in a code span that survives a table cell: pipes are
// escaped, and a backtick in the text takes a longer fence.
func mdCode(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(clip(s), "\n", " "), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`)
}
