package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/terraform"
	"github.com/stackctl/stackctl/internal/verify"
)

var runExamples = map[string]string{
	"init": `  stackctl init dev
  stackctl init prod --unit network`,
	"validate": `  stackctl validate staging
  stackctl validate prod --json`,
	"plan": `  stackctl plan dev
  stackctl plan dev --unit database            # database only; network's outputs are read from its state
  stackctl plan prod --detailed-exitcode       # exit 2 when any unit has changes
  stackctl plan dev -- -target=aws_ecs_service.api -refresh=false`,
	"apply": `  stackctl apply dev                           # shows every plan, then asks once
  stackctl apply dev --auto-approve --parallelism 4
  stackctl apply prod --unit 'apps/*' --auto-approve
  stackctl apply prod --verify                 # each unit's verify checks right after it applies`,
	"destroy": `  stackctl destroy dev                         # shows what goes, then asks once
  stackctl destroy dev --auto-approve          # dependents first
  stackctl destroy dev --unit edge --auto-approve`,
}

// maxParallelism bounds --parallelism: more terraform processes than this
// only queue for the same cores and provider API limits.
const maxParallelism = 256

func defaultParallelism() int { return max(2, runtime.NumCPU()) }

// runOptions are the options of the commands that run terraform across
// units: init, validate, plan, apply and destroy.
type runOptions struct {
	commonOptions
	Command          string
	JSON             bool
	Parallelism      int
	LockTimeout      string
	StallTimeout     time.Duration
	Stream           bool
	DetailedExitcode bool
	AutoApprove      bool
	// Format is text, json or markdown (plan, apply, destroy).
	Format string
	// Out is plan --out DIR; PlanDir is apply --plan DIR.
	Out, PlanDir string
	// Verify runs each unit's verify checks right after it applies
	// (apply --verify); Checks say how they connect.
	Verify bool
	Checks checkOptions
	// PassThrough are the terraform arguments after "--".
	PassThrough []string
}

func (a *app) runCommand(name, usage string, runF func(*runOptions) error) *ucli.Command {
	flags := commonFlags(append(selectionFlags(), jsonFlag(),
		&ucli.IntFlag{Name: "parallelism", Aliases: []string{"p"}, Value: defaultParallelism(), Usage: fmt.Sprintf("run at most `N` units at once (1-%d)", maxParallelism), EnvVars: envVar("PARALLELISM")},
		&ucli.StringFlag{Name: "lock-timeout", Value: "30s", Usage: "how long terraform waits for a state lock held by another run (`DURATION`: 0s, 30s, 5m)", EnvVars: envVar("LOCK_TIMEOUT")},
		&ucli.BoolFlag{Name: "stream", Usage: "stream terraform's output with a [unit] prefix even on a terminal", EnvVars: envVar("STREAM")},
		&ucli.DurationFlag{Name: "stall-timeout", Value: 10 * time.Minute, Usage: "stop a unit that shows no progress for this long (`DURATION`; 0 never)", EnvVars: envVar("STALL_TIMEOUT")},
	)...)
	switch name {
	case "plan":
		flags = append(flags, &ucli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when any unit has changes, 0 when none", EnvVars: envVar("DETAILED_EXITCODE")},
			&ucli.StringFlag{Name: "out", Usage: "save every unit's plan, its JSON and a manifest under `DIR`, for apply --plan", EnvVars: envVar("OUT")},
			allowDestroyFlag(), formatFlag())
	case "apply":
		flags = append(flags, autoApproveFlag(),
			&ucli.StringFlag{Name: "plan", Usage: "apply exactly the plans saved in `DIR` by plan --out (no confirmation: they were reviewed); stale ones are refused", EnvVars: envVar("PLAN")},
			allowDestroyFlag(), formatFlag())
	case "destroy":
		flags = append(flags, autoApproveFlag(), formatFlag())
	}
	if name == "apply" {
		flags = append(flags, append([]ucli.Flag{&ucli.BoolFlag{Name: "verify", Usage: "run each unit's verify checks right after it applies; a failed check fails the unit and skips its dependents", EnvVars: envVar("VERIFY")}}, checkFlags()...)...)
	}
	order := "in dependency order"
	if name == "destroy" {
		order += " (reversed: dependents first)"
	}
	desc := `Runs terraform ` + name + ` in every selected unit, ` + order + `,
in parallel where the graph allows. A unit's dependencies are read from state, never run,
when they are not selected. When a unit fails, its dependents are skipped and the others go on.
On a terminal a live status view is shown; otherwise terraform's output is streamed with a
[unit] prefix. Every unit's full output is logged under .stackctl/logs/<env>/<unit>/.`
	if name == "apply" || name == "destroy" {
		desc += `

Without --auto-approve, every selected unit is planned first and each plan with changes is
shown; one confirmation then applies exactly those plans. A unit whose plan could change once
its dependencies apply (their outputs changed, or it could not be planned before they
existed) is planned again just before it runs, and applied only if you approve that plan too.
With no terminal to ask (or with CI=true), --auto-approve is required.`
	}
	if name == "plan" || name == "apply" {
		desc += ciDescription[name]
	}
	return &ucli.Command{
		Name:        name,
		Usage:       usage,
		ArgsUsage:   "ENV [-- terraform args]",
		Description: desc + "\n\nExamples:\n" + runExamples[name],
		Flags:       flags,
		Action: func(c *ucli.Context) error {
			o := &runOptions{
				Command: name, JSON: c.Bool("json"), Parallelism: c.Int("parallelism"), LockTimeout: c.String("lock-timeout"),
				StallTimeout: c.Duration("stall-timeout"), Stream: c.Bool("stream"), DetailedExitcode: c.Bool("detailed-exitcode"), AutoApprove: c.Bool("auto-approve"),
				PassThrough: a.passThrough, Verify: c.Bool("verify"), Checks: checkOptionsOf(c),
				Format: c.String("format"), Out: c.String("out"), PlanDir: c.String("plan"),
			}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runRun(c.Context, o)
		},
	}
}

// check refuses option values that make no sense, with the valid range.
func (o *runOptions) check() error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	if o.Parallelism < 1 || o.Parallelism > maxParallelism {
		return &exitError{code: 1, err: fmt.Errorf("--parallelism %d is out of range: give 1 to %d units at once", o.Parallelism, maxParallelism)}
	}
	if o.StallTimeout < 0 {
		return &exitError{code: 1, err: fmt.Errorf("--stall-timeout %s is negative: give a duration, or 0 to never stop a quiet unit", o.StallTimeout)}
	}
	if o.LockTimeout != "" {
		d, err := time.ParseDuration(o.LockTimeout)
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("--lock-timeout %q is not a duration (use 30s, 5m, …)", o.LockTimeout)}
		}
		if d < 0 {
			return &exitError{code: 1, err: fmt.Errorf("--lock-timeout %s is negative: give 0s (do not wait) or more", o.LockTimeout)}
		}
	}
	if err := o.checkPipeline(); err != nil {
		return err
	}
	if !o.Verify && (len(o.Checks.Resolve) > 0 || o.Checks.CAFile != "") {
		return &exitError{code: 1, err: fmt.Errorf("--resolve and --ca-file are for the checks of apply --verify; add --verify or drop them")}
	}
	if (o.Command == "init" || o.Command == "validate") && len(o.PassThrough) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%s takes no terraform arguments after \"--\" (they go to plan, apply and destroy); drop %s", o.Command, strings.Join(o.PassThrough, " "))}
	}
	return nil
}

func (a *app) runRun(ctx context.Context, o *runOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	pass, err := terraform.ParsePassThrough(o.PassThrough, a.cwd)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	reviewed := (o.Command == "apply" || o.Command == "destroy") && !o.AutoApprove && o.PlanDir == ""
	if reviewed {
		// Refuse before any work: planning everything to then find no one
		// to ask would waste minutes.
		if err := a.canConfirm(o.Command); err != nil {
			return err
		}
	}
	writes := o.Command == "apply" || o.Command == "destroy"
	if err := a.settlePending(ctx, o.commonOptions, o.AutoApprove, writes); err != nil {
		return err
	}
	var checks *verify.Verifier
	if o.Verify {
		if checks, err = o.Checks.verifier(); err != nil {
			return err
		}
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{Command: o.Command, LockTimeout: o.LockTimeout, PassThrough: pass, StallTimeout: o.StallTimeout, Verify: checks})
	if err != nil {
		return err
	}
	if err := a.settleErrored(ctx, e, o.AutoApprove, writes, o.Parallelism); err != nil {
		return err
	}
	if done, err := a.runPipeline(ctx, e, o); done {
		return err
	}
	if reviewed {
		return a.runReviewed(ctx, e, o)
	}
	var op ops.Operation
	switch o.Command {
	case "init":
		op = ops.Init
	case "validate":
		op = ops.Validate
	case "plan":
		op = ops.Plan(false)
	case "apply":
		op = ops.Apply
	case "destroy":
		op = ops.Destroy
	}
	res, progress, err := a.execute(ctx, e, o, op, report.ProgressOptions{Command: o.Command})
	if err != nil {
		return err
	}
	defer res.Discard()
	a.writeResult(e, o, res, progress)
	switch {
	case res.Failed():
		return exitCode(1)
	case o.Command == "plan" && o.DetailedExitcode && res.HasChanges():
		return exitCode(2)
	}
	return nil
}

// execute runs an operation with a progress view; po names the command,
// title and log.
func (a *app) execute(ctx context.Context, e *ops.Engine, o *runOptions, op ops.Operation, po report.ProgressOptions) (*ops.Result, *report.Progress, error) {
	progress := a.progress(e, o, po)
	res, err := e.Run(ctx, op, ops.RunOptions{Parallelism: o.Parallelism, Observer: progress})
	progress.Close()
	if err != nil {
		return nil, nil, a.fail(e, err)
	}
	return res, progress, nil
}

func (a *app) logDir(e *ops.Engine) string {
	return filepath.Join(e.Stack.Root.Dir, ".stackctl", "logs", e.Env())
}

func (a *app) progress(e *ops.Engine, o *runOptions, po report.ProgressOptions) *report.Progress {
	term := a.streams.Out
	machine := o.JSON || o.Format == "markdown"
	if machine {
		term = a.streams.ErrOut
	}
	po.Env, po.LogDir = e.Env(), a.logDir(e)
	po.Live = !machine && !o.Stream && a.streams.OutIsTerminal() && !a.inCI()
	po.Term, po.Color = term, !machine && a.streams.ColorOut()
	po.Height, po.Width = a.streams.Height(), a.streams.Width()
	return report.NewProgress(po)
}

// writeResult prints a run's result: JSON on stdout, or what the live
// view did not show and the summary table.
func (a *app) writeResult(e *ops.Engine, o *runOptions, res *ops.Result, progress *report.Progress) {
	a.annotateUnits(res)
	sum := report.NewSummary(res, report.SummaryOptions{LogPath: progress.LogPath, FormatError: a.formatError(e), Reasons: a.changed.reasons()})
	if a.changed != nil {
		sum.ChangedSince = report.NewChangedSince(a.changed.sel)
	}
	sum.Notes = append(sum.Notes, a.notes...)
	if o.Format == "markdown" {
		a.writeMarkdown(e, o, res, progress)
		return
	}
	if o.JSON {
		_ = sum.WriteJSON(a.streams.Out)
		return
	}
	progress.WriteCaptured(a.streams.Out, res.Units)
	if o.Verify {
		a.writeAppliedChecks(res)
	}
	fmt.Fprintln(a.streams.Out)
	sum.WriteTable(a.streams.Out, a.streams.ColorOut(), e.Stack.Display(a.logDir(e)))
}
