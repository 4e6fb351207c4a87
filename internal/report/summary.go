package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/terraform"
)

// Summary is the end of a run, as printed and as JSON.
type Summary struct {
	Command     string       `json:"command"`
	Environment string       `json:"environment"`
	Units       []UnitResult `json:"units"`
	// Changes reports whether any unit's plan has changes.
	Changes    bool   `json:"changes"`
	Result     string `json:"result"` // "succeeded", "failed" or "interrupted"
	DurationMS int64  `json:"duration_ms"`
	Counts     Counts `json:"counts"`
	// Warnings are every unit's warnings, each once, with the units that
	// gave it.
	Warnings []Warning `json:"warnings,omitempty"`
	// ChangedSince is what --changed-since selected (and left out).
	ChangedSince *ChangedSince `json:"changed_since,omitempty"`
	// Notes are remarks on the run as a whole (units not planned).
	Notes []string `json:"notes,omitempty"`
}

// Warning is one warning and the units it was given for.
type Warning struct {
	Message string   `json:"message"`
	Units   []string `json:"units"`
}

// Counts totals the units by result.
type Counts struct {
	Succeeded   int `json:"succeeded"`
	Failed      int `json:"failed"`
	Skipped     int `json:"skipped"`
	Interrupted int `json:"interrupted"`
}

// UnitResult is one unit's line of the summary.
type UnitResult struct {
	Unit       string             `json:"unit"`
	Result     runner.Status      `json:"result"`
	Changes    *terraform.Changes `json:"changes,omitempty"`
	HasChanges bool               `json:"has_changes"`
	Note       string             `json:"note,omitempty"`
	Error      string             `json:"error,omitempty"`
	DurationMS int64              `json:"duration_ms"`
	Log        string             `json:"log,omitempty"`
	// Reasons say why --changed-since selected the unit.
	Reasons []string `json:"reasons,omitempty"`
}

// SummaryOptions say how to describe a run's units.
type SummaryOptions struct {
	// LogPath returns a unit's log file ("" for none).
	LogPath func(string) string
	// FormatError renders a unit's error in full (configuration errors
	// with their snippets); nil uses Error().
	FormatError func(error) string
	// Reasons are why --changed-since selected each unit.
	Reasons map[string][]string
}

// NewSummary describes a result, its units in run order.
func NewSummary(r *ops.Result, o SummaryOptions) Summary {
	s := Summary{Command: r.Operation, Environment: r.Env, Units: []UnitResult{}, Result: "succeeded", DurationMS: r.Duration.Milliseconds()}
	warned := map[string]int{}
	for _, u := range r.Units {
		ur := UnitResult{Unit: u.Unit, Result: u.Status, Changes: u.Changes, HasChanges: u.HasChanges, Note: u.Message, DurationMS: u.Duration.Milliseconds()}
		if u.Err != nil {
			if o.FormatError != nil {
				ur.Error = o.FormatError(u.Err)
			} else {
				ur.Error = u.Err.Error()
			}
		}
		if o.LogPath != nil {
			ur.Log = o.LogPath(u.Unit)
		}
		ur.Reasons = o.Reasons[u.Unit]
		if u.HasChanges {
			s.Changes = true
		}
		switch u.Status {
		case runner.Succeeded:
			s.Counts.Succeeded++
		case runner.Failed:
			s.Counts.Failed++
		case runner.Skipped:
			s.Counts.Skipped++
		case runner.Interrupted:
			s.Counts.Interrupted++
		}
		for _, w := range u.Warnings {
			i, ok := warned[w]
			if !ok {
				i = len(s.Warnings)
				warned[w] = i
				s.Warnings = append(s.Warnings, Warning{Message: w})
			}
			s.Warnings[i].Units = append(s.Warnings[i].Units, u.Unit)
		}
		s.Units = append(s.Units, ur)
	}
	for i := range s.Warnings {
		sort.Strings(s.Warnings[i].Units)
	}
	switch {
	case s.Counts.Interrupted > 0:
		s.Result = "interrupted"
	case s.Counts.Failed+s.Counts.Skipped > 0:
		s.Result = "failed"
	}
	return s
}

// WriteJSON prints the summary as one JSON document.
func (s Summary) WriteJSON(w io.Writer) error { return WriteJSON(w, s) }

// WriteTable prints the summary table, then the warnings, then every error
// in full (with configuration snippets), then one closing line.
func (s Summary) WriteTable(w io.Writer, color bool, logDir string) {
	showChanges := false
	for _, u := range s.Units {
		if u.Changes != nil {
			showChanges = true
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "UNIT\tRESULT\t"
	if showChanges {
		header += "ADD\tCHANGE\tDESTROY\t"
	}
	fmt.Fprintln(tw, header+"DURATION\tNOTE")
	for _, u := range s.Units {
		line := u.Unit + "\t" + string(u.Result) + "\t"
		if showChanges {
			if u.Changes != nil {
				line += fmt.Sprintf("%d\t%d\t%d\t", u.Changes.Add, u.Changes.Change, u.Changes.Destroy)
			} else {
				line += "-\t-\t-\t"
			}
		}
		dur := "-"
		if u.DurationMS > 0 || u.Result == runner.Succeeded || u.Result == runner.Failed {
			dur = roundDuration(time.Duration(u.DurationMS) * time.Millisecond)
		}
		note := u.Note
		if u.Error != "" {
			note, _, _ = strings.Cut(u.Error, "\n")
		}
		fmt.Fprintln(tw, line+dur+"\t"+truncate(note, 100))
	}
	tw.Flush()

	for _, wn := range s.Warnings {
		fmt.Fprintf(w, "\n%s %s\n", paint(color, "Warning:", "33;1"), wn.Message)
		fmt.Fprintf(w, "  in %s\n", unitList(wn.Units))
	}
	for _, u := range s.Units {
		if u.Error == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s %s:\n", paint(color, "Error in", "31;1"), u.Unit)
		for _, line := range strings.Split(strings.TrimRight(u.Error, "\n"), "\n") {
			fmt.Fprintln(w, strings.TrimRight("  "+line, " "))
		}
		if u.Log != "" {
			fmt.Fprintf(w, "  full output: %s\n", u.Log)
		}
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "\n%s\n", n)
	}
	fmt.Fprintf(w, "\n%s %s: %s in %s", s.Command, s.Environment, s.countsText(), roundDuration(time.Duration(s.DurationMS)*time.Millisecond))
	if logDir != "" {
		fmt.Fprintf(w, "; logs in %s", logDir)
	}
	fmt.Fprintln(w)
}

func unitList(units []string) string {
	if len(units) == 1 {
		return units[0]
	}
	return fmt.Sprintf("%d units: %s", len(units), strings.Join(units, ", "))
}

func (s Summary) countsText() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(s.Counts.Succeeded, "succeeded")
	add(s.Counts.Failed, "failed")
	add(s.Counts.Skipped, "skipped")
	add(s.Counts.Interrupted, "interrupted")
	if len(parts) == 0 {
		return "no units"
	}
	return strings.Join(parts, ", ")
}
