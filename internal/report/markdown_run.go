package report

import (
	"fmt"
	"strings"

	"github.com/stackctl/stackctl/internal/markdown"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/terraform"
)

// RunMarkdownOptions give the markdown view of a run what the result does
// not hold.
type RunMarkdownOptions struct {
	// Dependencies returns a unit's dependencies, for the graph; nil for
	// no graph.
	Dependencies func(unit string) []string
	// FullText returns the file holding a unit's whole plan or output (the
	// saved plan's text, else its log); "" for none.
	FullText func(unit string) string
	// Reasons are why --changed-since selected each unit.
	Reasons map[string][]string
	// ChangedSince is the REF, when the units were selected by it.
	ChangedSince string
	// FormatError renders a unit's error in full; nil uses Error().
	FormatError func(error) string
	// SummaryFile is where the whole report is written.
	SummaryFile string
	// Notes are said at the end (deleted units, units not planned).
	Notes []string
}

// The graph's colours, by what happened to the unit.
var runClasses = map[string]string{
	"changes":   "fill:#fff3cd,stroke:#b58105,color:#000",
	"unchanged": "fill:#d4edda,stroke:#28a745,color:#000",
	"destroys":  "fill:#f8d7da,stroke:#dc3545,color:#000",
	"failed":    "fill:#dc3545,stroke:#721c24,color:#fff",
	"skipped":   "fill:#e2e3e5,stroke:#6c757d,color:#000",
}

// RunMarkdown is the markdown view of a plan, apply or destroy: a line per
// unit with its counts, what each changes folded below, destroys called
// out first, and the units as a graph coloured by result.
func RunMarkdown(r *ops.Result, o RunMarkdownOptions) *markdown.Report {
	verb := r.Operation
	var tot terraform.Changes
	var changed, failed, skipped int
	for _, u := range r.Units {
		if u.Changes != nil {
			tot.Add += u.Changes.Add
			tot.Change += u.Changes.Change
			tot.Destroy += u.Changes.Destroy
			tot.Import += u.Changes.Import
		}
		if u.HasChanges {
			changed++
		}
		switch u.Status {
		case runner.Failed, runner.Interrupted:
			failed++
		case runner.Skipped:
			skipped++
		}
	}
	mark := "✅"
	if failed+skipped > 0 {
		mark = "❌"
	}
	m := &markdown.Report{Title: fmt.Sprintf("%s stackctl %s `%s`", mark, verb, r.Env), FullText: o.SummaryFile, Notes: o.Notes}
	intro := fmt.Sprintf("**%s** in %s: %s with changes", tot.String(), units(len(r.Units)), units(changed))
	if failed > 0 {
		intro += fmt.Sprintf(", %d failed", failed)
	}
	if skipped > 0 {
		intro += fmt.Sprintf(", %d skipped", skipped)
	}
	intro += " (" + roundDuration(r.Duration) + ")."
	if o.ChangedSince != "" {
		intro += " Units changed since " + markdown.Code(o.ChangedSince) + " and their dependents."
	}
	m.Intro = append(m.Intro, intro)

	destroyed := "will be destroyed"
	if verb != "plan" {
		destroyed = "destroyed"
	}
	for _, u := range r.Units {
		if u.Changes == nil || u.Changes.Destroy == 0 {
			continue
		}
		var addrs []string
		for _, a := range u.Resources {
			if a.Action == "delete" || a.Action == "replace" {
				addrs = append(addrs, markdown.Code(a.Address))
			}
		}
		line := fmt.Sprintf("**%s**: %d resource(s) %s", markdown.Code(u.Unit), u.Changes.Destroy, destroyed)
		if len(addrs) > 0 {
			if len(addrs) > 5 {
				addrs = append(addrs[:5], fmt.Sprintf("and %d more", len(addrs)-5))
			}
			line += ": " + strings.Join(addrs, ", ")
		}
		m.Caution = append(m.Caution, "- "+line)
	}
	if failed > 0 {
		m.Caution = append(m.Caution, fmt.Sprintf("- **%d unit(s) failed or were interrupted**: see below.", failed))
	}

	sec := markdown.Section{Columns: []string{"", "unit", "result", "add", "change", "destroy", "note"}}
	if o.Reasons != nil {
		sec.Columns = append(sec.Columns, "why")
	}
	for _, u := range r.Units {
		row := markdown.Row{Cells: []string{unitMark(u), markdown.Code(u.Unit), string(u.Status)}}
		if u.Changes != nil {
			row.Cells = append(row.Cells, fmt.Sprint(u.Changes.Add), fmt.Sprint(u.Changes.Change), fmt.Sprint(u.Changes.Destroy))
		} else {
			row.Cells = append(row.Cells, "", "", "")
		}
		note := u.Summary()
		if u.Changes != nil && u.HasChanges && u.Changes.Any() {
			note = u.Message
		}
		if len(u.Mocked) > 0 {
			note = strings.TrimPrefix(note+"; ", "; ") + "planned on the mock_outputs of " + strings.Join(u.Mocked, ", ") + ": for review, not for apply"
		}
		if u.Err != nil {
			note, _, _ = strings.Cut(u.Err.Error(), "\n")
		}
		row.Cells = append(row.Cells, markdown.Text(truncate(note, 120)))
		if o.Reasons != nil {
			row.Cells = append(row.Cells, markdown.Text(why(o.Reasons[u.Unit])))
		}
		if o.FullText != nil {
			row.FullText = o.FullText(u.Unit)
		}
		switch {
		case u.Err != nil:
			row.Summary = u.Unit + ": " + string(u.Status)
			if o.FormatError != nil {
				row.Details = o.FormatError(u.Err)
			} else {
				row.Details = u.Err.Error()
			}
		case len(u.Resources) > 0:
			row.Summary = u.Unit + ": " + u.Summary()
			row.Lang = "diff"
			var b strings.Builder
			for _, a := range u.Resources {
				fmt.Fprintf(&b, "%s %s (%s)\n", diffSign(a), a.Address, a.Action)
			}
			row.Details = b.String()
		}
		if row.Details != "" && row.FullText != "" {
			row.Summary += " · full text: " + row.FullText
		}
		sec.Rows = append(sec.Rows, row)
	}
	m.Sections = []markdown.Section{sec}
	seen := map[string][]string{}
	var order []string
	for _, u := range r.Units {
		for _, w := range u.Warnings {
			if seen[w] == nil {
				order = append(order, w)
			}
			seen[w] = append(seen[w], u.Unit)
		}
	}
	for _, w := range order {
		m.Notes = append(m.Notes, "Warning ("+strings.Join(seen[w], ", ")+"): "+markdown.Text(w))
	}

	if o.Dependencies != nil && len(r.Units) > 1 {
		g := &markdown.Graph{Classes: runClasses, Legend: "Yellow: changes · green: no changes · pink: destroys · red: failed · grey: skipped. Arrows point to dependencies."}
		in := map[string]bool{}
		for _, u := range r.Units {
			in[u.Unit] = true
		}
		for _, u := range r.Units {
			g.Nodes = append(g.Nodes, markdown.Node{Label: u.Unit, Class: unitClass(u)})
			for _, d := range o.Dependencies(u.Unit) {
				if in[d] {
					g.Edges = append(g.Edges, [2]string{u.Unit, d})
				}
			}
		}
		m.Graph = g
	}
	return m
}

func units(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return fmt.Sprintf("%d units", n)
}

func why(reasons []string) string {
	switch len(reasons) {
	case 0:
		return ""
	case 1:
		return reasons[0]
	}
	return fmt.Sprintf("%s (+%d more)", reasons[0], len(reasons)-1)
}

// diffSign is the sign a diff block colours: "+" green, "-" red, "!"
// orange in GitHub's diff highlighting.
func diffSign(a terraform.ResourceAction) string {
	switch a.Action {
	case "create":
		return "+"
	case "delete":
		return "-"
	case "replace":
		return "-/+"
	}
	return "!"
}

func unitMark(u ops.UnitOutcome) string {
	switch {
	case u.Status == runner.Failed || u.Status == runner.Interrupted:
		return "❌"
	case u.Status == runner.Skipped:
		return "⏭️"
	case u.Changes != nil && u.Changes.Destroy > 0:
		return "🔴"
	case u.HasChanges:
		return "🟡"
	}
	return "✅"
}

func unitClass(u ops.UnitOutcome) string {
	switch {
	case u.Status == runner.Failed || u.Status == runner.Interrupted:
		return "failed"
	case u.Status == runner.Skipped:
		return "skipped"
	case u.Changes != nil && u.Changes.Destroy > 0:
		return "destroys"
	case u.HasChanges:
		return "changes"
	}
	return "unchanged"
}
