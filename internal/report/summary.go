package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stackctl/stackctl/internal/runner"
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
	Unit       string          `json:"unit"`
	Result     runner.Status   `json:"result"`
	Changes    *runner.Changes `json:"changes,omitempty"`
	HasChanges bool            `json:"has_changes"`
	Note       string          `json:"note,omitempty"`
	Error      string          `json:"error,omitempty"`
	DurationMS int64           `json:"duration_ms"`
	Log        string          `json:"log,omitempty"`
}

// NewSummary orders results as the run queued them (dependency order).
func NewSummary(command, env string, order []string, results []runner.Result, logPath func(string) string, elapsed time.Duration) Summary {
	byUnit := map[string]runner.Result{}
	for _, r := range results {
		byUnit[r.Unit] = r
	}
	s := Summary{Command: command, Environment: env, Units: []UnitResult{}, Result: "succeeded", DurationMS: elapsed.Milliseconds()}
	for _, u := range order {
		r, ok := byUnit[u]
		if !ok {
			continue
		}
		ur := UnitResult{Unit: u, Result: r.Status, Changes: r.Changes, HasChanges: r.HasChanges, Note: r.Note, DurationMS: r.Duration.Milliseconds()}
		if r.Err != nil {
			ur.Error = r.Err.Error()
		}
		if logPath != nil {
			ur.Log = logPath(u)
		}
		if r.HasChanges {
			s.Changes = true
		}
		switch r.Status {
		case runner.Succeeded:
			s.Counts.Succeeded++
		case runner.Failed:
			s.Counts.Failed++
		case runner.Skipped:
			s.Counts.Skipped++
		case runner.Interrupted:
			s.Counts.Interrupted++
		}
		s.Units = append(s.Units, ur)
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

// WriteTable prints the summary table, then every error in full (with
// configuration snippets), then one closing line.
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

	for _, u := range s.Units {
		if u.Error == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s %s:\n", paint(color, "Error in", "31;1"), u.Unit)
		for _, line := range strings.Split(strings.TrimRight(u.Error, "\n"), "\n") {
			fmt.Fprintln(w, "  "+line)
		}
		if u.Log != "" {
			fmt.Fprintf(w, "  full output: %s\n", u.Log)
		}
	}
	fmt.Fprintf(w, "\n%s %s: %s in %s", s.Command, s.Environment, s.countsText(), roundDuration(time.Duration(s.DurationMS)*time.Millisecond))
	if logDir != "" {
		fmt.Fprintf(w, "; logs in %s", logDir)
	}
	fmt.Fprintln(w)
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
