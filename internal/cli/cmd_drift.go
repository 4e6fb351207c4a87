package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/drift"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/state"
)

// engineOptions are the flags of the commands that run terraform in
// units without being init/plan/apply (drift, import).
type engineOptions struct {
	Parallelism  int
	LockTimeout  string
	StallTimeout time.Duration
	Stream       bool
}

func engineFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.IntFlag{Name: "parallelism", Aliases: []string{"p"}, Value: defaultParallelism(), Usage: fmt.Sprintf("run at most `N` units at once (1-%d)", maxParallelism), EnvVars: envVar("PARALLELISM")},
		&ucli.StringFlag{Name: "lock-timeout", Value: "30s", Usage: "how long terraform waits for a state lock held by another run (`DURATION`: 0s, 30s, 5m)", EnvVars: envVar("LOCK_TIMEOUT")},
		&ucli.BoolFlag{Name: "stream", Usage: "stream terraform's output with a [unit] prefix even on a terminal", EnvVars: envVar("STREAM")},
		&ucli.DurationFlag{Name: "stall-timeout", Value: 10 * time.Minute, Usage: "stop a unit that shows no progress for this long (`DURATION`; 0 never)", EnvVars: envVar("STALL_TIMEOUT")},
	}
}

func (o *engineOptions) fill(c *ucli.Context) {
	o.Parallelism, o.LockTimeout, o.StallTimeout, o.Stream = c.Int("parallelism"), c.String("lock-timeout"), c.Duration("stall-timeout"), c.Bool("stream")
}

// run is the options as runOptions, for the checks and views they share.
func (o engineOptions) run(c commonOptions, command string, json bool) *runOptions {
	return &runOptions{commonOptions: c, Command: command, JSON: json, Parallelism: o.Parallelism, LockTimeout: o.LockTimeout, StallTimeout: o.StallTimeout, Stream: o.Stream}
}

type driftOptions struct {
	commonOptions
	engineOptions
	// Format is "text", "markdown" or "json" (--json).
	Format      string
	Accept      bool
	AutoApprove bool
}

func (a *app) driftCommand(runF func(*driftOptions) error) *ucli.Command {
	flags := commonFlags(unitFlag(), jsonFlag(),
		&ucli.StringFlag{Name: "format", Value: "text", Usage: "report as `FORMAT`: text or markdown (a CI summary); --json for JSON", EnvVars: envVar("FORMAT")},
		&ucli.BoolFlag{Name: "accept", Usage: "take the drift into state (a refresh-only apply of the plans shown), each state backed up first", EnvVars: envVar("ACCEPT")},
		autoApproveFlag())
	return &ucli.Command{
		Name:      "drift",
		Usage:     "show what changed outside Terraform, attribute by attribute; --accept takes it into state",
		ArgsUsage: "ENV",
		Description: `Runs a refresh-only plan in every selected unit, in parallel (nothing is written), and
reports each resource changed or deleted outside Terraform, attribute by attribute (secrets
masked, reordered JSON documents and read-back noise left out), with what the next apply does
with each change: reverts it, keeps it (only state was stale) or ignores it
(lifecycle.ignore_changes). For a change the next apply reverts it also says which stackctl
input (file:line) or module line to change instead so that the code agrees with reality. Root
outputs that follow the changes are listed apart. A unit that fails is reported and hides
nothing of the others.

--accept shows the drift, asks once (or --auto-approve), backs up each drifted unit's state
(.stackctl/backups/) and applies exactly the refresh-only plan shown.

Exit codes: 0 no drift, 2 drift found, 1 a unit failed.

Examples:
  stackctl drift prod
  stackctl drift prod --json > drift.json
  stackctl drift prod --format markdown >> "$GITHUB_STEP_SUMMARY"
  stackctl drift prod --accept --unit service`,
		Flags: append(flags, engineFlags()...),
		Action: func(c *ucli.Context) error {
			o := &driftOptions{Format: c.String("format"), Accept: c.Bool("accept"), AutoApprove: c.Bool("auto-approve")}
			if c.Bool("json") {
				if c.IsSet("format") && o.Format != "json" {
					return &exitError{code: 1, err: fmt.Errorf("--json and --format %s ask for two reports: give one", o.Format)}
				}
				o.Format = "json"
			}
			o.commonOptions.fill(a, c)
			o.engineOptions.fill(c)
			if runF != nil {
				return runF(o)
			}
			return a.runDrift(c.Context, o)
		},
	}
}

func (o *driftOptions) check(passThrough []string) error {
	switch o.Format {
	case "text", "markdown", "json":
	default:
		return &exitError{code: 1, err: fmt.Errorf("--format %q is not a drift report: give text or markdown (or --json)", o.Format)}
	}
	if len(passThrough) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("drift takes no terraform arguments after \"--\"; drop %s", strings.Join(passThrough, " "))}
	}
	if o.AutoApprove && !o.Accept {
		return &exitError{code: 1, err: fmt.Errorf("--auto-approve goes with --accept: drift alone changes nothing")}
	}
	return o.run(o.commonOptions, "drift", false).check()
}

func (a *app) runDrift(ctx context.Context, o *driftOptions) error {
	if err := o.check(a.passThrough); err != nil {
		return err
	}
	if o.Accept && !o.AutoApprove {
		if err := a.canConfirm("drift --accept"); err != nil {
			return err
		}
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{LockTimeout: o.LockTimeout, StallTimeout: o.StallTimeout})
	if err != nil {
		return err
	}
	ro := o.run(o.commonOptions, "drift", false)
	progress := a.reportProgress(e, ro, o.Format, report.ProgressOptions{Command: "drift"})
	res, err := e.Run(ctx, ops.Drift(o.Accept), ops.RunOptions{Parallelism: o.Parallelism, Observer: progress})
	progress.Close()
	if err != nil {
		return a.fail(e, err)
	}
	defer res.Discard()
	progress.WriteCaptured(a.streams.Out, res.Units)
	a.driftNotes(res, progress)
	rep := ops.DriftReport(res, a.formatError(e))
	if !o.Accept {
		if err := writeDrift(a.streams.Out, o.Format, rep); err != nil {
			return &exitError{code: 1, err: err}
		}
		return exitWith(rep.ExitCode())
	}
	return a.acceptDrift(ctx, e, o, res, rep)
}

// acceptDrift is drift --accept after the drift was read: the drift
// shown, one question, then exactly the refresh-only plans applied.
func (a *app) acceptDrift(ctx context.Context, e *ops.Engine, o *driftOptions, res *ops.Result, rep *drift.Report) error {
	text := o.Format == "text"
	if text {
		_ = drift.WriteText(a.streams.Out, rep)
	}
	final := func(code int) error {
		if !text {
			if err := writeDrift(a.streams.Out, o.Format, rep); err != nil {
				return &exitError{code: 1, err: err}
			}
		}
		return exitWith(code)
	}
	if rep.Errored() > 0 {
		fmt.Fprintf(a.streams.ErrOut, "stackctl: nothing was accepted: the drift of every selected unit must be read first (leave the failed units out with --unit)\n")
		return final(1)
	}
	selected := map[string]bool{}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, u := range res.Units {
		if u.Plan != nil {
			selected[u.Unit] = true
			if du, _ := u.Data.(*drift.Unit); du != nil {
				fmt.Fprintf(tw, "  %s\t%s\n", u.Unit, du.Summary())
			}
		}
	}
	tw.Flush()
	if len(selected) == 0 {
		fmt.Fprintf(a.streams.ErrOut, "No drift in the selected units of %s: nothing to accept.\n", e.Env())
		return final(0)
	}
	if !o.AutoApprove {
		question := fmt.Sprintf("\nDo you want to take the drift of %d unit(s) of %s into state?\n%s\n  Each state is backed up first. What the next apply reverts stays in the configuration:\n  change it there too (see \"or keep it\" above), or the next apply puts it back.",
			len(selected), e.Env(), strings.TrimRight(b.String(), "\n"))
		if err := a.confirm("drift --accept", question); err != nil {
			return err
		}
	}
	ro := o.run(o.commonOptions, "accept", !text)
	progress := a.reportProgress(e, ro, o.Format, report.ProgressOptions{Command: "accept", Title: "drift --accept", LogName: "drift-accept"})
	acc, err := e.Run(ctx, ops.Accept(res), ops.RunOptions{Selected: selected, Parallelism: o.Parallelism, Observer: progress})
	progress.Close()
	if err != nil {
		return a.fail(e, err)
	}
	defer acc.Discard()
	for _, du := range rep.Units {
		if uo := acc.Unit(du.Unit); uo != nil && uo.Status == ops.Succeeded {
			du.Accepted = true
			if bk, _ := uo.Data.(*state.Backup); bk != nil {
				du.Backup = e.Stack.Display(bk.Path)
			}
		}
	}
	if text {
		progress.WriteCaptured(a.streams.Out, acc.Units)
		fmt.Fprintln(a.streams.Out)
		report.NewSummary(acc, report.SummaryOptions{LogPath: progress.LogPath, FormatError: a.formatError(e)}).
			WriteTable(a.streams.Out, a.streams.ColorOut(), e.Stack.Display(a.logDir(e)))
	}
	if acc.Failed() {
		return final(1)
	}
	return final(0)
}

func writeDrift(w io.Writer, format string, rep *drift.Report) error {
	switch format {
	case "json":
		return drift.WriteJSON(w, rep)
	case "markdown":
		return drift.WriteMarkdown(w, rep)
	}
	return drift.WriteText(w, rep)
}

// driftNotes says on stderr what the report has no place for: warnings,
// and where the full output of each failed unit is.
func (a *app) driftNotes(res *ops.Result, progress *report.Progress) {
	for _, u := range res.Units {
		for _, w := range u.Warnings {
			fmt.Fprintf(a.streams.ErrOut, "stackctl: warning: %s: %s\n", u.Unit, w)
		}
		if u.Status != ops.Succeeded {
			if p := progress.LogPath(u.Unit); p != "" {
				fmt.Fprintf(a.streams.ErrOut, "stackctl: %s failed; its full output is in %s\n", u.Unit, p)
			}
		}
	}
}

// reportProgress follows a run whose report is what stdout is for: the
// live view on a terminal, otherwise terraform's output streams to stderr
// so that `stackctl drift dev > drift.txt` holds the report alone.
func (a *app) reportProgress(e *ops.Engine, o *runOptions, format string, po report.ProgressOptions) *report.Progress {
	live := format == "text" && !o.Stream && a.streams.OutIsTerminal()
	po.Env, po.LogDir = e.Env(), a.logDir(e)
	po.Live = live
	po.Term, po.Color = a.streams.ErrOut, a.streams.ColorErr()
	if live {
		po.Term, po.Color = a.streams.Out, a.streams.ColorOut()
	}
	po.Height, po.Width = a.streams.Height(), a.streams.Width()
	return report.NewProgress(po)
}

// exitWith ends a command whose output is printed with code.
func exitWith(code int) error {
	if code == 0 {
		return nil
	}
	return exitCode(code)
}
