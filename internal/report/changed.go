package report

import (
	"fmt"
	"io"

	"github.com/stackctl/stackctl/internal/vcs"
)

// ChangedSince is what --changed-since selected, for JSON views.
type ChangedSince struct {
	Ref       string `json:"ref"`
	MergeBase string `json:"merge_base"`
	// Reasons are the selected units' reasons, by unit.
	Reasons   map[string][]vcs.Reason `json:"reasons"`
	Deleted   []vcs.DeletedUnit       `json:"deleted"`
	Unmatched []vcs.ChangedFile       `json:"unmatched"`
}

// NewChangedSince describes a selection.
func NewChangedSince(sel *vcs.Selection) *ChangedSince {
	c := &ChangedSince{Ref: sel.Ref, MergeBase: sel.MergeBase, Reasons: map[string][]vcs.Reason{},
		Deleted: sel.Deleted, Unmatched: sel.Unmatched}
	for _, u := range sel.Units {
		c.Reasons[u.Path] = u.Reasons
	}
	if c.Deleted == nil {
		c.Deleted = []vcs.DeletedUnit{}
	}
	if c.Unmatched == nil {
		c.Unmatched = []vcs.ChangedFile{}
	}
	return c
}

// ReasonStrings are the selection's reasons as text, by unit.
func ReasonStrings(sel *vcs.Selection) map[string][]string {
	out := make(map[string][]string, len(sel.Units))
	for _, u := range sel.Units {
		for _, r := range u.Reasons {
			out[u.Path] = append(out[u.Path], r.String())
		}
	}
	return out
}

// WriteSelection tells people (on stderr) what --changed-since selected and
// why, which changed files selected nothing, and which units were deleted.
func WriteSelection(w io.Writer, sel *vcs.Selection, allowDestroy bool) {
	base := sel.MergeBase[:min(len(sel.MergeBase), 12)]
	if len(sel.Units) == 0 {
		fmt.Fprintf(w, "stackctl: no unit of %s changed since %s (merge base %s)\n", sel.Env, sel.Ref, base)
	} else {
		fmt.Fprintf(w, "stackctl: %d unit(s) of %s changed since %s (merge base %s):\n", len(sel.Units), sel.Env, sel.Ref, base)
	}
	for _, u := range sel.Units {
		for i, r := range u.Reasons {
			name := u.Path
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(w, "  %-24s %s\n", name, r)
		}
	}
	for _, f := range sel.Unmatched {
		fmt.Fprintf(w, "stackctl: note: %s (%s) belongs to no unit and selected nothing; if a unit reads it, that unit is not selected\n", f.Path, f.Status)
	}
	for _, d := range sel.Deleted {
		what := "not destroyed: give --allow-destroy to plan its destroy"
		if allowDestroy {
			what = "its destroy is planned from its configuration at the merge base"
		}
		fmt.Fprintf(w, "stackctl: unit %s was deleted since %s (%s): %s\n", d.Path, sel.Ref, d.File, what)
	}
}
