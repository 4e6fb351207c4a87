package surgery

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteJSON writes v as indented JSON: the --json view of every surgery
// command is its result value.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WritePlan is the human view of what a surgery will do (or, with
// --dry-run, would do).
func (r *Report) WritePlan(w io.Writer) {
	fmt.Fprintf(w, "%s %s", r.Operation, r.Env)
	if r.DryRun {
		fmt.Fprint(w, " (dry run)")
	}
	fmt.Fprintln(w)
	if len(r.Edits) > 0 {
		fmt.Fprintf(w, "\nState edits (%d):\n", len(r.Edits))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, e := range r.Edits {
			if e.Attribute == "" {
				fmt.Fprintf(tw, "  %s\t%s\t(address)\t→ %s\n", e.Unit, e.Address, e.New)
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%q → %q\n", e.Unit, e.Address, e.Attribute, e.Old, e.New)
		}
		tw.Flush()
	}
	if r.Moved != nil {
		fmt.Fprintf(w, "\nMoves %s to %s (%d object(s)", r.Moved.From, r.Moved.To, r.Moved.Objects)
		if len(r.Moved.IDs) > 0 {
			fmt.Fprintf(w, ", ID %s", strings.Join(r.Moved.IDs, ", "))
		}
		fmt.Fprintln(w, ").")
	}
	if len(r.Moves) > 0 {
		fmt.Fprintln(w, "\nFolders:")
		for _, m := range r.Moves {
			fmt.Fprintf(w, "  %s → %s\n", m.From, m.To)
		}
	}
	if len(r.FileEdits) > 0 {
		fmt.Fprintf(w, "\nFile edits (%d):\n", len(r.FileEdits))
		for _, e := range r.FileEdits {
			fmt.Fprintf(w, "  %s:%d:%d  %s → %s\n", e.File, e.Line, e.Column, e.Old, e.New)
		}
	} else if len(r.Files) > 0 {
		fmt.Fprintln(w, "\nFiles written:")
		for _, f := range r.Files {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	if len(r.States) > 0 {
		fmt.Fprintln(w, "\nStates:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, s := range r.States {
			serial := fmt.Sprintf("serial %d → %d", s.Serial, s.Next)
			switch {
			case s.Action == "delete":
				serial = fmt.Sprintf("serial %d, deleted once verified (a versioned bucket keeps it)", s.Serial)
			case s.Action == "create":
				serial = fmt.Sprintf("new, serial %d", s.Next)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s, %d resource instance(s), lineage %s\n", s.Unit, r.rel(s.Where), s.Action, serial, s.Resources, s.Lineage)
		}
		tw.Flush()
	}
	if len(r.Verify) > 0 {
		fmt.Fprintln(w, "\nVerified afterwards with a plan of:")
		for _, ex := range r.Verify {
			fmt.Fprintf(w, "  %s: %s\n", ex.Unit, ex.describe())
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w, "\nNotes:")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
}

func (ex Expect) describe() string {
	var parts []string
	if len(ex.Touched) > 0 {
		what := "no destroy, replacement or creation of"
		if ex.NoOp {
			what = "no change at all to"
		}
		parts = append(parts, fmt.Sprintf("%s the %d instance(s) written", what, len(ex.Touched)))
	}
	if len(ex.Absent) > 0 {
		parts = append(parts, fmt.Sprintf("%s not created again", strings.Join(ex.Absent, ", ")))
	}
	if len(parts) == 0 {
		return "it must plan without errors"
	}
	return strings.Join(parts, "; ")
}

// rel shows a path inside the repository relative to its root.
func (r *Report) rel(p string) string {
	if r.Root == "" || !filepath.IsAbs(p) {
		return p
	}
	if rel, err := filepath.Rel(r.Root, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

// WriteDone is the human view of a surgery that ran.
func (r *Report) WriteDone(w io.Writer) {
	for _, p := range r.Plans {
		fmt.Fprintf(w, "Verified: the plan of %s: %s.\n", p.Unit, p.Summary)
	}
	res := r.Result
	if res == nil {
		return
	}
	for _, s := range res.Written {
		fmt.Fprintf(w, "Wrote the state of %s (%s, serial %d", s.Unit, r.rel(s.Where), s.Serial)
		if s.VersionID != "" {
			fmt.Fprintf(w, ", S3 version %s", s.VersionID)
		}
		fmt.Fprint(w, ")")
		if s.Backup != "" {
			fmt.Fprintf(w, "; the previous one is backed up in %s", r.rel(s.Backup))
		}
		fmt.Fprintln(w, ".")
	}
	for _, s := range res.Deleted {
		fmt.Fprintf(w, "Deleted the old state of %s (%s)", s.Unit, r.rel(s.Where))
		if s.Backup != "" {
			fmt.Fprintf(w, "; backed up in %s", r.rel(s.Backup))
		}
		fmt.Fprintln(w, ".")
	}
	for _, m := range res.Moves {
		fmt.Fprintf(w, "Moved %s to %s.\n", m.From, m.To)
	}
	if len(res.Files) > 0 {
		fmt.Fprintf(w, "Changed %d file(s): %s.\n", len(res.Files), strings.Join(res.Files, ", "))
	}
}

// WriteStates is state list's human view.
func WriteStates(w io.Writer, root string, list []UnitState) {
	rel := (&Report{Root: root}).rel
	for i, u := range list {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if !u.Exists {
			fmt.Fprintf(w, "%s: no state (%s)\n", u.Unit, rel(u.Where))
		} else {
			fmt.Fprintf(w, "%s: %s, serial %d, %d object(s)\n", u.Unit, rel(u.Where), u.Serial, len(u.Objects))
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, o := range u.Objects {
			extra := ""
			if o.Deposed != "" {
				extra = "  (deposed " + o.Deposed + ")"
			}
			if o.Tainted {
				extra += "  (tainted)"
			}
			fmt.Fprintf(tw, "  %s\t%s%s\n", o.Address, o.ID, extra)
		}
		tw.Flush()
		for _, e := range u.Errored {
			fmt.Fprintf(w, "  errored state kept %s: %s (serial %d, %d object(s)): stackctl state push-errored ENV --unit %s\n",
				e.Kept.Format(time.RFC3339), rel(e.Path), e.Serial, e.Resources, u.Unit)
		}
	}
}

// WriteBackups is state backups' human view.
func WriteBackups(w io.Writer, root string, list []UnitBackups) {
	rel := (&Report{Root: root}).rel
	for i, u := range list {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if len(u.Backups) == 0 {
			fmt.Fprintf(w, "%s: no backups (%s)\n", u.Unit, rel(u.Dir))
			continue
		}
		fmt.Fprintf(w, "%s: %d backup(s) in %s\n", u.Unit, len(u.Backups), rel(u.Dir))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, b := range u.Backups {
			extra := ""
			if b.VersionID != "" {
				extra = "S3 version " + b.VersionID
			}
			fmt.Fprintf(tw, "  %s\t%s\tserial %d\t%s\t%s\n", b.Name, b.Created.Format("2006-01-02 15:04:05Z"), b.Serial, orDash(b.Operation), extra)
		}
		tw.Flush()
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteRecovered is the human view of a recovery.
func (r *Recovered) Write(w io.Writer, env string) {
	fmt.Fprintf(w, "stackctl: %s the interrupted %s of %s:\n", r.Action, r.Operation, env)
	for _, d := range r.Done {
		fmt.Fprintf(w, "  %s\n", d)
	}
}
