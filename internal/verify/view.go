package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a verify run as the views show it.
type Report struct {
	Env        string   `json:"environment"`
	Results    []Result `json:"results"`
	Passed     int      `json:"passed"`
	Failed     int      `json:"failed"`
	DurationMS int64    `json:"duration_ms"`
}

// NewReport counts the results.
func NewReport(env string, results []Result, elapsed time.Duration) *Report {
	r := &Report{Env: env, Results: results, DurationMS: elapsed.Milliseconds()}
	if r.Results == nil {
		r.Results = []Result{}
	}
	for _, res := range results {
		if res.Passed {
			r.Passed++
		} else {
			r.Failed++
		}
	}
	return r
}

// OK reports whether every check passed: verify exits 1 otherwise.
func (r *Report) OK() bool { return r.Failed == 0 }

// WriteHuman prints one line per check, then each failure in full.
func (r *Report) WriteHuman(w io.Writer, color bool) {
	fmt.Fprintf(w, "verify %s: %s\n", r.Env, r.summary())
	if len(r.Results) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, res := range r.Results {
		mark := paint(color, "✓", "32;1")
		if !res.Passed {
			mark = paint(color, "✗", "31;1")
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\t%s\t%s\n", mark, res.Unit, res.Name, res.Kind, firstLine(res.Reason, 90), seconds(res.Duration))
	}
	tw.Flush()
	for _, res := range r.Results {
		if res.Passed {
			continue
		}
		fmt.Fprintf(w, "\n%s %s %s (%s)\n", paint(color, "Failed:", "31;1"), res.Unit, res.Name, res.At)
		if res.Target != "" {
			fmt.Fprintf(w, "  %s\n", res.Target)
		}
		fmt.Fprintf(w, "  %s\n", res.Reason)
	}
}

// WriteMarkdown prints a table of the checks, for a CI summary.
func (r *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### verify `%s`\n\n", r.Env)
	if r.Failed > 0 {
		fmt.Fprintf(w, "**%s**\n", r.summary())
	} else {
		fmt.Fprintln(w, r.summary())
	}
	if len(r.Results) == 0 {
		return
	}
	fmt.Fprint(w, "\n| | unit | check | kind | target | result | time |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, res := range r.Results {
		mark := "✅"
		if !res.Passed {
			mark = "❌"
		}
		fmt.Fprintf(w, "| %s | `%s` | `%s` | %s | %s | %s | %s |\n", mark, res.Unit, res.Name, res.Kind,
			mdCell(res.Target), mdCell(res.Reason), seconds(res.Duration))
	}
}

// WriteJSON prints the report as one JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *Report) summary() string {
	total := len(r.Results)
	elapsed := seconds(time.Duration(r.DurationMS) * time.Millisecond)
	switch {
	case total == 0:
		return "no checks declared"
	case r.Failed == 0:
		return fmt.Sprintf("%s passed in %s", checks(total), elapsed)
	}
	return fmt.Sprintf("%d of %s failed in %s", r.Failed, checks(total), elapsed)
}

func checks(n int) string {
	if n == 1 {
		return "1 check"
	}
	return fmt.Sprintf("%d checks", n)
}

func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if len([]rune(s)) > n {
		return string([]rune(s)[:n-1]) + "…"
	}
	return s
}

func mdCell(s string) string {
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`)
}

func paint(color bool, s, code string) string {
	if !color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
