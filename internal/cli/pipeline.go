package cli

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/markdown"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/vcs"
)

// The CI side of plan, apply and destroy: --changed-since with deleted
// units, saved plans (plan --out, apply --plan) and the markdown view.

func formatFlag() ucli.Flag {
	return &ucli.StringFlag{Name: "format", Usage: "how the result is printed: text (default), json (as --json) or markdown (a report for GitHub, within its 65,536-character limit; progress goes to stderr)", EnvVars: envVar("FORMAT")}
}

var ciDescription = map[string]string{
	"plan": `

With --out DIR every unit's plan is saved under DIR/<unit> (plan.tfplan, plan.json, plan.txt
and manifest.json: the state serial and lineage and the dependency outputs it was planned
against), all mode 0600 since plans hold secrets in clear. apply --plan DIR applies exactly
those. With --changed-since REF --allow-destroy, units deleted since REF are planned for
destroy from their configuration at REF's merge base.`,
	"apply": `

With --plan DIR it applies exactly the plans saved by plan --out DIR, in dependency order,
without asking (they were reviewed); a plan made on mock outputs, against a state that has
moved since, or on dependency outputs that changed since is refused, naming why. Units
without a saved plan are listed and left alone; naming one with --unit is an error.`,
}

// checkPipeline refuses CI option combinations that make no sense.
func (o *runOptions) checkPipeline() error {
	switch o.Format {
	case "", "text", "json":
	case "markdown":
		if o.JSON {
			return &exitError{code: 1, err: fmt.Errorf("--json and --format markdown both choose stdout's format: give one")}
		}
	default:
		return &exitError{code: 1, err: fmt.Errorf("unknown --format %q; use text, json or markdown", o.Format)}
	}
	if o.Format == "json" {
		o.JSON = true
	}
	if o.AllowDestroy && o.ChangedSince == "" {
		return &exitError{code: 1, err: fmt.Errorf("--allow-destroy destroys units deleted since --changed-since REF: give --changed-since too")}
	}
	if o.PlanDir != "" {
		switch {
		case len(o.PassThrough) > 0:
			return &exitError{code: 1, err: fmt.Errorf("apply --plan applies saved plans as they are: terraform arguments (%s) belong to the plan --out that made them", strings.Join(o.PassThrough, " "))}
		case o.AllowDestroy:
			return &exitError{code: 1, err: fmt.Errorf("apply --plan applies what the saved plans do, destroys of deleted units included: drop --allow-destroy (it belongs to plan --out)")}
		}
	}
	return nil
}

// runPipeline runs what plain plan/apply/destroy do not: saved plans,
// deleted units, an empty --changed-since selection. It reports whether it
// handled the command.
func (a *app) runPipeline(ctx context.Context, e *ops.Engine, o *runOptions) (bool, error) {
	var deleted []string
	if o.AllowDestroy {
		deleted = a.changed.deletedPaths()
	}
	switch {
	case o.Command == "plan" && o.Out != "":
		return true, a.runPlanOut(ctx, e, o, deleted)
	case o.Command == "apply" && o.PlanDir != "":
		return true, a.runApplySaved(ctx, e, o)
	case len(deleted) > 0:
		if o.Command == "apply" && !o.AutoApprove {
			return true, &exitError{code: 1, err: fmt.Errorf("destroying the units deleted since %s (%s) is not reviewed on a terminal: plan them with plan --out DIR --changed-since %s --allow-destroy and apply that, or give --auto-approve",
				a.changed.ref(), strings.Join(deleted, ", "), a.changed.ref())}
		}
		return true, a.runWithDeleted(ctx, e, o, deleted)
	case a.nothingChanged(e):
		return true, a.writeNothing(e, o)
	}
	return false, nil
}

func (a *app) writeNothing(e *ops.Engine, o *runOptions) error {
	res := &ops.Result{Operation: o.Command, Env: e.Env()}
	progress := a.progress(e, o, report.ProgressOptions{Command: o.Command})
	progress.Close()
	a.writeResult(e, o, res, progress)
	return nil
}

// runOn runs op on engine (the current environment, or one opened at a
// merge base for deleted units) with the shared progress.
func (a *app) runOn(ctx context.Context, logE, engine *ops.Engine, o *runOptions, op ops.Operation, progress *report.Progress) (*ops.Result, error) {
	res, err := engine.Run(ctx, op, ops.RunOptions{Parallelism: o.Parallelism, Observer: progress})
	if err != nil {
		return nil, a.fail(logE, err)
	}
	return res, nil
}

// merge appends b's units to a's (a runs first).
func merge(a, b *ops.Result) *ops.Result {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := *a
	out.Units = append(append([]ops.UnitOutcome(nil), a.Units...), b.Units...)
	out.Duration += b.Duration
	return &out
}

// deletedNote marks the outcomes of deleted units in the summary.
func (a *app) deletedNote(res *ops.Result) {
	if res == nil {
		return
	}
	for i := range res.Units {
		u := &res.Units[i]
		note := "deleted since " + a.changed.ref()
		if u.Message != "" {
			note += ": " + u.Message
		}
		u.Message = note
	}
}

// openDeleted opens the environment at the merge base with the deleted
// units selected.
func (a *app) openDeleted(ctx context.Context, e *ops.Engine, ch *vcs.Changes, deleted []string) (*ops.Engine, func(), error) {
	de, closeFn, err := e.OpenAt(ctx, ch, deleted)
	if err != nil {
		return nil, nil, &exitError{code: 1, err: err}
	}
	return de, closeFn, nil
}

// runWithDeleted is plan or apply --auto-approve with --allow-destroy: the
// deleted units' destroys first (dependents first), then the rest. A
// deleted unit may have left resources a new unit reuses the names of (a
// moved folder is a deleted unit and a new one), so the destroy goes
// first.
func (a *app) runWithDeleted(ctx context.Context, e *ops.Engine, o *runOptions, deleted []string) error {
	apply := o.Command == "apply"
	de, closeFn, err := a.openDeleted(ctx, e, a.changed.changes, deleted)
	if err != nil {
		return err
	}
	defer closeFn()
	progress := a.progress(e, o, report.ProgressOptions{Command: o.Command})
	dres, err := a.runOn(ctx, e, de, o, ops.DestroyDeleted(apply), progress)
	if err != nil {
		progress.Close()
		return err
	}
	a.deletedNote(dres)
	var res *ops.Result
	if len(e.Ordered()) > 0 && !(apply && dres.Failed()) {
		op := ops.Plan(false)
		if apply {
			op = ops.Apply
		}
		if res, err = a.runOn(ctx, e, e, o, op, progress); err != nil {
			progress.Close()
			return err
		}
	} else if apply && dres.Failed() && len(e.Ordered()) > 0 {
		a.notes = append(a.notes, "Nothing else was applied: a deleted unit's destroy failed first.")
	}
	progress.Close()
	all := merge(dres, res)
	defer all.Discard()
	a.writeResult(e, o, all, progress)
	return a.exitFor(o, all)
}

func (a *app) exitFor(o *runOptions, res *ops.Result) error {
	switch {
	case res.Failed():
		return exitCode(1)
	case o.Command == "plan" && o.DetailedExitcode && res.HasChanges():
		return exitCode(2)
	}
	return nil
}

func (a *app) absPath(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(a.cwd, p)
}

// runPlanOut is plan --out DIR.
func (a *app) runPlanOut(ctx context.Context, e *ops.Engine, o *runOptions, deleted []string) error {
	dir := a.absPath(o.Out)
	if err := ops.PrepareOut(dir); err != nil {
		return &exitError{code: 1, err: err}
	}
	set := &ops.PlanSet{Env: e.Env()}
	if a.changed != nil {
		set.ChangedSince, set.MergeBase = a.changed.sel.Ref, a.changed.sel.MergeBase
	}
	progress := a.progress(e, o, report.ProgressOptions{Command: "plan"})
	var dres, res *ops.Result
	if len(deleted) > 0 {
		de, closeFn, err := a.openDeleted(ctx, e, a.changed.changes, deleted)
		if err != nil {
			progress.Close()
			return err
		}
		dres, err = a.runOn(ctx, e, de, o, ops.SavePlans(dir, &ops.DeletedAt{Commit: a.changed.sel.MergeBase, Ref: a.changed.ref()}), progress)
		closeFn()
		if err != nil {
			progress.Close()
			return err
		}
		a.deletedNote(dres)
	}
	if len(e.Ordered()) > 0 {
		var err error
		if res, err = a.runOn(ctx, e, e, o, ops.SavePlans(dir, nil), progress); err != nil {
			progress.Close()
			return err
		}
	}
	progress.Close()
	all := merge(dres, res)
	if all == nil {
		all = &ops.Result{Operation: "plan", Env: e.Env()}
	}
	for _, u := range all.Units {
		if _, ok := u.Data.(ops.SavedPlan); ok && u.Status == ops.Succeeded {
			set.Units = append(set.Units, u.Unit)
		} else if u.Status != ops.Succeeded {
			set.Failed = append(set.Failed, u.Unit)
		}
	}
	if err := set.WriteIndex(dir); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("writing the saved plans' index: %w", err)}
	}
	a.notes = append(a.notes, fmt.Sprintf("%d plan(s) saved in %s: apply exactly those with stackctl apply %s --plan %s", len(set.Units), o.Out, e.Env(), o.Out))
	a.writeResult(e, o, all, progress)
	return a.exitFor(o, all)
}

// runApplySaved is apply --plan DIR.
func (a *app) runApplySaved(ctx context.Context, e *ops.Engine, o *runOptions) error {
	dir := a.absPath(o.PlanDir)
	set, err := ops.ReadPlanSet(dir)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if set.Env != e.Env() {
		return &exitError{code: 1, err: fmt.Errorf("the plans in %s are for environment %s, not %s", o.PlanDir, set.Env, e.Env())}
	}
	sel := map[string]bool{}
	var missing, notPlanned []string
	for _, p := range e.Ordered() {
		switch {
		case set.Manifest(p) != nil:
			sel[p] = true
		case len(o.Units) > 0:
			missing = append(missing, p)
		default:
			notPlanned = append(notPlanned, p)
		}
	}
	if len(missing) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("no saved plan in %s for %s: nothing was applied. Plan it with stackctl plan %s --out DIR, or leave it out of --unit", o.PlanDir, strings.Join(missing, ", "), e.Env())}
	}
	if len(notPlanned) > 0 {
		a.notes = append(a.notes, fmt.Sprintf("Not planned in %s, so not applied: %s.", o.PlanDir, strings.Join(notPlanned, ", ")))
	}
	var deleted []string
	for _, p := range set.Deleted() {
		if e.MatchesUnits(p) {
			deleted = append(deleted, p)
		}
	}
	var de *ops.Engine
	if len(deleted) > 0 {
		commit := set.Manifest(deleted[0]).Deleted.Commit
		ch, err := vcs.Diff(ctx, vcs.Options{Dir: e.Stack.Root.Dir, Ref: commit, Environ: a.environ})
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("the saved plans destroy units deleted since %s, whose configuration is read there: %w", commit, err)}
		}
		var closeFn func()
		if de, closeFn, err = a.openDeleted(ctx, e, ch, deleted); err != nil {
			return err
		}
		defer closeFn()
		a.changed = &changed{sel: &vcs.Selection{Ref: set.Manifest(deleted[0]).Deleted.Ref, MergeBase: commit, Env: e.Env()}, changes: ch}
	}
	if len(sel) == 0 && len(deleted) == 0 {
		fmt.Fprintf(a.streams.ErrOut, "stackctl: no saved plans to apply in %s for the selected units\n", o.PlanDir)
		return a.writeNothing(e, o)
	}
	// Every plan is checked before the first applies: a refused plan
	// stops the whole apply rather than leave it half done.
	if de != nil {
		if err := de.CheckSaved(ctx, set, de.Selected); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	if len(sel) > 0 {
		if err := e.CheckSaved(ctx, set, sel); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	progress := a.progress(e, o, report.ProgressOptions{Command: "apply"})
	var dres, res *ops.Result
	if de != nil {
		if dres, err = a.runOn(ctx, e, de, o, ops.ApplySaved(set, true), progress); err != nil {
			progress.Close()
			return err
		}
		a.deletedNote(dres)
	}
	if len(sel) > 0 && (dres == nil || !dres.Failed()) {
		res, err = e.Run(ctx, ops.ApplySaved(set, false), ops.RunOptions{Selected: sel, Parallelism: o.Parallelism, Observer: progress})
		if err != nil {
			progress.Close()
			return a.fail(e, err)
		}
	}
	progress.Close()
	all := merge(dres, res)
	a.writeResult(e, o, all, progress)
	return a.exitFor(o, all)
}

// writeMarkdown prints the markdown view on stdout, within GitHub's limit,
// and writes it whole to a file it names: under the --out or --plan folder,
// else next to the logs.
func (a *app) writeMarkdown(e *ops.Engine, o *runOptions, res *ops.Result, progress *report.Progress) {
	file := filepath.Join(a.logDir(e), o.Command+"-summary.md")
	switch {
	case o.Out != "":
		file = filepath.Join(a.absPath(o.Out), "summary.md")
	case o.PlanDir != "":
		file = filepath.Join(a.absPath(o.PlanDir), "apply-summary.md")
	}
	md := report.RunMarkdown(res, report.RunMarkdownOptions{
		Dependencies: e.Graph.Dependencies,
		FullText: func(unit string) string {
			if u := res.Unit(unit); u != nil {
				if sp, ok := u.Data.(ops.SavedPlan); ok && sp.Text != "" {
					return e.Stack.Display(sp.Text)
				}
			}
			if p := progress.LogPath(unit); p != "" {
				return e.Stack.Display(p)
			}
			return ""
		},
		Reasons: a.changed.reasons(), ChangedSince: a.changed.ref(), FormatError: a.formatError(e),
		SummaryFile: e.Stack.Display(file), Notes: a.notes,
	})
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err == nil {
		if err := os.WriteFile(file, []byte(md.String(math.MaxInt)), 0o600); err != nil {
			fmt.Fprintf(a.streams.ErrOut, "stackctl: warning: the whole report could not be written to %s: %v\n", file, err)
		}
	}
	fmt.Fprint(a.streams.Out, md.String(markdown.Limit))
}

// annotateUnits writes, on GitHub Actions, an annotation per failed unit:
// at the stackctl file and line for configuration errors.
func (a *app) annotateUnits(res *ops.Result) {
	if !a.onGitHubActions() {
		return
	}
	for _, u := range res.Units {
		if u.Err == nil {
			continue
		}
		if d, ok := ops.IsConfigError(u.Err); ok {
			a.annotate(d.Diags)
			continue
		}
		first, _, _ := strings.Cut(u.Err.Error(), "\n")
		fmt.Fprintf(a.streams.ErrOut, "::error title=%s::%s\n", escapeProperty("stackctl "+res.Operation+": "+u.Unit), escapeData(first))
	}
}
