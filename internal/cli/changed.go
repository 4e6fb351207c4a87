package cli

import (
	"context"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/vcs"
)

// selectionFlags are how every multi-unit command selects units: --unit
// globs and --changed-since REF. A command that takes them and loads its
// environment through app.engine gets both for free.
func selectionFlags() []ucli.Flag {
	return []ucli.Flag{unitFlag(), changedSinceFlag()}
}

func changedSinceFlag() ucli.Flag {
	return &ucli.StringFlag{Name: "changed-since", Usage: "only the units affected by what changed since `REF`'s merge base (commits, uncommitted and untracked files), and their dependents; with --unit, the affected units among those", EnvVars: envVar("CHANGED_SINCE")}
}

func allowDestroyFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: "allow-destroy", Usage: "with --changed-since: plan (and apply) the destroy of units deleted since REF, from their configuration at the merge base", EnvVars: envVar("ALLOW_DESTROY")}
}

// changed is what --changed-since selected in this invocation.
type changed struct {
	sel     *vcs.Selection
	changes *vcs.Changes
}

// reasons are the selected units' reasons as text (nil without
// --changed-since, so views leave the column out).
func (c *changed) reasons() map[string][]string {
	if c == nil {
		return nil
	}
	return report.ReasonStrings(c.sel)
}

func (c *changed) ref() string {
	if c == nil {
		return ""
	}
	return c.sel.Ref
}

// deletedPaths are the units deleted since REF (already filtered by
// --unit).
func (c *changed) deletedPaths() []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, d := range c.sel.Deleted {
		out = append(out, d.Path)
	}
	return out
}

// selectChanged narrows e's selection by --changed-since, telling on
// stderr what was selected and why.
func (a *app) selectChanged(ctx context.Context, e *ops.Engine, o commonOptions) error {
	if o.ChangedSince == "" {
		return nil
	}
	sel, ch, err := e.SelectChanged(ctx, vcs.Options{Ref: o.ChangedSince, Environ: a.environ})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	a.changed = &changed{sel: sel, changes: ch}
	report.WriteSelection(a.streams.ErrOut, sel, o.AllowDestroy)
	return nil
}

// nothingChanged reports a run with nothing selected by --changed-since:
// a success, not the "no units" error of an empty environment.
func (a *app) nothingChanged(e *ops.Engine) bool {
	return a.changed != nil && len(e.Ordered()) == 0
}

func splitList(in []string) []string {
	var out []string
	for _, p := range in {
		for _, q := range strings.Split(p, ",") {
			if q = strings.TrimSpace(q); q != "" {
				out = append(out, q)
			}
		}
	}
	return out
}

// listChanged is list --json with --changed-since.
func listChanged(units []string, c *changed) any {
	type unit struct {
		Path    string       `json:"path"`
		Reasons []vcs.Reason `json:"reasons"`
	}
	out := struct {
		Ref       string            `json:"ref"`
		MergeBase string            `json:"merge_base"`
		Units     []unit            `json:"units"`
		Deleted   []vcs.DeletedUnit `json:"deleted"`
		Unmatched []vcs.ChangedFile `json:"unmatched"`
	}{Ref: c.sel.Ref, MergeBase: c.sel.MergeBase, Units: []unit{}, Deleted: c.sel.Deleted, Unmatched: c.sel.Unmatched}
	for _, p := range units {
		if su := c.sel.Unit(p); su != nil {
			out.Units = append(out.Units, unit{Path: p, Reasons: su.Reasons})
		}
	}
	if out.Deleted == nil {
		out.Deleted = []vcs.DeletedUnit{}
	}
	if out.Unmatched == nil {
		out.Unmatched = []vcs.ChangedFile{}
	}
	return out
}
