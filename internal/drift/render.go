package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/stackctl/stackctl/internal/english"
)

// WriteJSON writes the report as indented JSON: the shape of
// `stackctl drift --json`.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the human view: units grouped, a one-line verdict per
// unit, then each drifted attribute with what the next apply does.
func WriteText(w io.Writer, r *Report) error {
	tw := &errWriter{w: w}
	width := 0
	for _, u := range r.Units {
		width = max(width, len(u.Unit))
	}
	for _, u := range r.Units {
		tw.printf("%-*s  %s\n", width, u.Unit, u.Summary())
		if u.Error != "" {
			// The summary has the first line; the rest (file:line and the
			// snippet of a configuration error) follows it.
			if _, more, ok := strings.Cut(strings.TrimSpace(u.Error), "\n"); ok {
				for _, l := range strings.Split(more, "\n") {
					tw.printf("    %s\n", strings.TrimRight(l, " "))
				}
			}
		}
		for _, res := range u.Resources {
			if res.Deleted {
				tw.printf("  - %s  deleted outside Terraform; next apply %s\n", res.Address, deletedText(res.Verdict))
				continue
			}
			tw.printf("  ~ %s\n", res.Address)
			for _, a := range res.Attributes {
				tw.printf("      %s: %s → %s  %s\n", a.Path, text(a.Before), text(a.After), verdictText(a))
				if f := fixText(a); f != "" {
					tw.printf("        or keep it: %s\n", f)
				}
			}
			for _, ad := range res.Adopt {
				tw.printf("      adopt: %s %s  (%s)\n", ad.Type, ad.ID, ad.Why)
			}
		}
		if len(u.Outputs) > 0 {
			tw.printf("  outputs (follow the changes above; not drift themselves):\n")
			for _, o := range u.Outputs {
				tw.printf("      %s: %s → %s\n", o.Name, text(o.Before), text(o.After))
			}
		}
	}
	tw.printf("\n%s\n", r.summaryLine())
	return tw.err
}

func (r *Report) summaryLine() string {
	s := fmt.Sprintf("%d of %s drifted", r.Drifted(), english.Count(len(r.Units), "unit"))
	if n := r.Errored(); n > 0 {
		s += fmt.Sprintf(", %d failed", n)
	}
	return s
}

func deletedText(v Verdict) string {
	switch v {
	case Reverts:
		return "creates it again"
	case Keeps:
		return "forgets it (no longer configured)"
	}
	return "is not known (no plan)"
}

// verdictText is the next apply's effect on one attribute, with where the
// configured value comes from.
func verdictText(a *Attribute) string {
	switch a.Verdict {
	case Reverts:
		s := "reverts to " + text(a.Planned)
		if a.Planned == nil {
			s = "reverts (removes it)"
		}
		if o := a.Origin; o != nil {
			var where []string
			if o.File != "" {
				where = append(where, fmt.Sprintf("%s:%d %s", o.File, o.Line, o.Expression))
			}
			if len(o.Variables) > 0 {
				where = append(where, "inputs: "+strings.Join(o.Variables, ", "))
			}
			if len(where) > 0 {
				s += " (" + strings.Join(where, "; ") + ")"
			}
		}
		return s
	case Keeps:
		return "keeps (configuration agrees or does not set it)"
	case Ignores:
		return "ignores (lifecycle.ignore_changes)"
	}
	return "unknown (no plan)"
}

// text shows a decoded JSON value compactly: strings quoted, masked
// values bare.
func text(v any) string {
	if s, ok := v.(string); ok && s == Masked {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// WriteMarkdown writes the report for a CI summary or a pull request
// comment: a table of units, then a table per drifted unit.
func WriteMarkdown(w io.Writer, r *Report) error {
	mw := &errWriter{w: w}
	title := "Drift"
	if r.Env != "" {
		title += ": " + r.Env
	}
	mw.printf("## %s\n\n%s\n\n| unit | verdict |\n| --- | --- |\n", title, r.summaryLine())
	for _, u := range r.Units {
		mw.printf("| `%s` | %s |\n", u.Unit, cell(u.Summary()))
	}
	for _, u := range r.Units {
		if len(u.Resources) == 0 && len(u.Outputs) == 0 {
			continue
		}
		mw.printf("\n### %s\n\n", u.Unit)
		if len(u.Resources) > 0 {
			mw.printf("| resource | attribute | in state | now | next apply |\n| --- | --- | --- | --- | --- |\n")
		}
		for _, res := range u.Resources {
			if res.Deleted {
				mw.printf("| `%s` | *deleted* | | | %s |\n", res.Address, cell(deletedText(res.Verdict)))
				continue
			}
			for _, a := range res.Attributes {
				next := cell(verdictText(a))
				if f := fixText(a); f != "" {
					// An instruction is never cut: only values are.
					next += "; or keep it: " + strings.ReplaceAll(f, "|", `\|`)
				}
				mw.printf("| `%s` | `%s` | %s | %s | %s |\n", res.Address, a.Path, code(text(a.Before)), code(text(a.After)), next)
			}
			for _, ad := range res.Adopt {
				mw.printf("| `%s` | *adopt* | | `%s %s` | %s |\n", res.Address, ad.Type, cell(ad.ID), cell(ad.Why))
			}
		}
		if len(u.Outputs) > 0 {
			mw.printf("\nOutputs changed (they follow the changes above):\n\n")
			for _, o := range u.Outputs {
				mw.printf("- `%s`: %s → %s\n", o.Name, code(text(o.Before)), code(text(o.After)))
			}
		}
	}
	return mw.err
}

// maxCell keeps one table cell readable; the JSON view has every value.
const maxCell = 200

func cell(s string) string {
	if len(s) > maxCell {
		s = s[:maxCell] + "…"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// code puts a value in a code span that survives backticks and pipes.
func code(s string) string {
	s = cell(s)
	fence := "`"
	if strings.Contains(s, "`") {
		fence = "`` "
		return fence + s + " ``"
	}
	return fence + s + fence
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
