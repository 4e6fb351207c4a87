package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

// runReviewed is apply or destroy on a terminal, as Terraform users expect
// it: plan every unit, show the plans, ask once, then apply exactly what
// was shown (a unit whose plan changes on the way is shown and asked for
// again).
func (a *app) runReviewed(ctx context.Context, e *ops.Engine, o *runOptions) error {
	destroy := o.Command == "destroy"
	plans, progress, err := a.execute(ctx, e, o, ops.Review(destroy),
		report.ProgressOptions{Command: "plan", Title: o.Command + " (planning)", LogName: o.Command + "-plan"})
	if err != nil {
		return err
	}
	defer plans.Discard()
	if plans.Failed() {
		a.writeResult(e, o, plans, progress)
		fmt.Fprintf(a.streams.ErrOut, "stackctl: nothing was %s: every plan must succeed first\n", pastTense(o.Command))
		return exitCode(1)
	}
	if !o.JSON {
		progress.WriteCaptured(a.streams.Out, plans.Units)
	}
	question, pending := reviewQuestion(e, plans, destroy)
	if pending == 0 {
		// With --json stdout holds the JSON alone, for jq.
		w := a.streams.Out
		if o.JSON {
			w = a.streams.ErrOut
		}
		fmt.Fprintf(w, "\nNo changes: the selected units of %s match their configuration; nothing to %s.\n", e.Env(), o.Command)
		if o.JSON {
			return report.NewSummary(plans, report.SummaryOptions{LogPath: progress.LogPath}).WriteJSON(a.streams.Out)
		}
		return nil
	}
	if err := a.confirm(o.Command, question); err != nil {
		return err
	}
	ap := &terminalApprover{a: a, command: o.Command}
	ap.progress = a.progress(e, o, report.ProgressOptions{Command: o.Command})
	res, err := e.Run(ctx, ops.Reviewed(plans, destroy, ap), ops.RunOptions{Parallelism: o.Parallelism, Observer: ap.progress})
	ap.progress.Close()
	if err != nil {
		return a.fail(e, err)
	}
	defer res.Discard()
	a.writeResult(e, o, res, ap.progress)
	if res.Failed() {
		return exitCode(1)
	}
	return nil
}

func pastTense(command string) string {
	if command == "destroy" {
		return "destroyed"
	}
	return "applied"
}

// reviewQuestion is the one question after the plans: which units change
// and how, and which may still change once their dependencies apply. It
// returns how many units have something to do.
func reviewQuestion(e *ops.Engine, plans *ops.Result, destroy bool) (string, int) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	pending := 0
	for _, u := range plans.Units {
		later := e.DependsOnChanges(plans, u.Unit)
		var what string
		switch {
		case u.Deferred:
			what = u.Message + "; its plan is shown then, and applied only if you approve it"
		case u.HasChanges && len(u.Mocked) > 0:
			what = u.Summary() + " (planned on the mock outputs of " + strings.Join(u.Mocked, ", ") + "); planned again once it exists, then shown and asked for again"
		case u.HasChanges:
			what = u.Summary()
			if !destroy && len(later) > 0 {
				what += "; may change once " + strings.Join(later, ", ") + " apply: then it is planned again, shown and asked for again"
			}
		case !destroy && len(later) > 0:
			what = "no changes yet; planned again once " + strings.Join(later, ", ") + " apply"
		default:
			continue
		}
		if u.HasChanges || u.Deferred {
			pending++
		}
		fmt.Fprintf(tw, "  %s\t%s\n", u.Unit, what)
	}
	tw.Flush()
	head := fmt.Sprintf("Do you want to apply %d unit(s) of %s?", pending, plans.Env)
	if destroy {
		head = fmt.Sprintf("Do you really want to destroy every resource of %d unit(s) of %s? There is no undo.", pending, plans.Env)
	}
	return "\n" + head + "\n" + strings.TrimRight(b.String(), "\n"), pending
}

// terminalApprover asks again, in the middle of an apply, for a unit whose
// plan changed after its dependencies applied. Questions come one at a
// time; the live view pauses while one is open.
type terminalApprover struct {
	a        *app
	command  string
	progress *report.Progress
	mu       sync.Mutex
}

func (t *terminalApprover) Approve(context.Context, *ops.Result) (bool, error) { return true, nil }

func (t *terminalApprover) Reapprove(ctx context.Context, u *ops.UnitOutcome) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.progress.Pause()
	defer t.progress.Resume()
	out := t.a.streams.Out
	t.progress.WritePlan(out, u.Unit, "new plan")
	question := fmt.Sprintf("\n%s was %s:\n  %s\nDo you want to apply this plan of %s?", u.Unit, u.Message, u.Summary(), u.Unit)
	return t.a.streams.ConfirmContext(ctx, question)
}
