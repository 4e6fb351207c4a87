package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/surgery"
)

// surgeryOptions are what every command that writes state itself takes.
type surgeryOptions struct {
	commonOptions
	JSON        bool
	DryRun      bool
	AutoApprove bool
	Parallelism int
}

func dryRunFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: "dry-run", Usage: "show what would change and stop; nothing is locked or written", EnvVars: envVar("DRY_RUN")}
}

func parallelismFlag() ucli.Flag {
	return &ucli.IntFlag{Name: "parallelism", Aliases: []string{"p"}, Value: defaultParallelism(), Usage: fmt.Sprintf("run at most `N` verification plans at once (1-%d)", maxParallelism), EnvVars: envVar("PARALLELISM")}
}

func surgeryFlags(extra ...ucli.Flag) []ucli.Flag {
	return commonFlags(append([]ucli.Flag{jsonFlag(), dryRunFlag(), autoApproveFlag(), parallelismFlag()}, extra...)...)
}

func (o *surgeryOptions) fillSurgery(a *app, c *ucli.Context) {
	o.fill(a, c)
	o.JSON, o.DryRun, o.AutoApprove, o.Parallelism = c.Bool("json"), c.Bool("dry-run"), c.Bool("auto-approve"), c.Int("parallelism")
}

func (o *surgeryOptions) check() error {
	if o.Parallelism < 1 || o.Parallelism > maxParallelism {
		return &exitError{code: 1, err: fmt.Errorf("--parallelism %d is out of range: give 1 to %d plans at once", o.Parallelism, maxParallelism)}
	}
	return nil
}

type renameAppOptions struct {
	surgeryOptions
	From, To    string
	Exclude     []string
	AllowUpdate bool
}

func (a *app) renameAppCommand(runF func(*renameAppOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "rename-app",
		Usage:     "rewrite state and inputs after an app was renamed outside Terraform",
		ArgsUsage: "ENV --from OLD --to NEW",
		Description: `Finds every resource instance in the selected units' states (default: all) whose ID or
identifying attributes (names, identifiers, ARNs, hostnames, app references, IDs such as
app:web or user:policy) hold OLD as a whole value or as a token between delimiters (- _ . : /
…), never inside a longer word (mywasabi, wasabi2), and the inputs of unit.hcl (and env.hcl,
when every unit is selected) that carry it. Shows each edit, asks, then rewrites state as one
transaction: every state locked, backed up, written with its lineage and the next serial, and
verified with a plan that must leave the renamed resources unchanged; anything else rolls back.

Examples:
  stackctl rename-app prod --from wasabi --to wasabi-v2 --dry-run
  stackctl rename-app prod --from wasabi --to wasabi-v2 --unit gateway --exclude 'heroku_app.legacy*'
  stackctl rename-app dev --from api --to api-v2 --auto-approve --allow-update`,
		Flags: surgeryFlags(unitFlag(),
			&ucli.StringFlag{Name: "from", Usage: "the app's old `NAME`", EnvVars: envVar("FROM")},
			&ucli.StringFlag{Name: "to", Usage: "the app's new `NAME`", EnvVars: envVar("TO")},
			&ucli.StringSliceFlag{Name: "exclude", Usage: "leave resources whose address matches `GLOB` alone (repeatable; * and ? only)", EnvVars: envVar("EXCLUDE")},
			&ucli.BoolFlag{Name: "allow-update", Usage: "accept in-place updates of renamed resources in the verification plan (never replacement or destruction)", EnvVars: envVar("ALLOW_UPDATE")},
		),
		Action: func(c *ucli.Context) error {
			o := &renameAppOptions{From: c.String("from"), To: c.String("to"), Exclude: c.StringSlice("exclude"), AllowUpdate: c.Bool("allow-update")}
			o.fillSurgery(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runRenameApp(c.Context, o)
		},
	}
}

func (a *app) runRenameApp(ctx context.Context, o *renameAppOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	if o.From == "" || o.To == "" {
		return &exitError{code: 1, err: fmt.Errorf("rename-app needs --from OLD and --to NEW: stackctl rename-app ENV --from OLD --to NEW")}
	}
	if _, err := surgery.NewRenamer(o.From, o.To); err != nil {
		return &exitError{code: 1, err: err}
	}
	cmd := fmt.Sprintf("stackctl rename-app %s --from %s --to %s", o.Env, o.From, o.To)
	return a.runSurgery(ctx, &o.surgeryOptions, "rename-app", func(ctx context.Context, env surgery.Env) (*surgery.Surgery, error) {
		return surgery.PrepareRenameApp(ctx, env, surgery.RenameOptions{From: o.From, To: o.To, Exclude: o.Exclude, AllowUpdate: o.AllowUpdate, Command: cmd})
	})
}

type mvUnitOptions struct {
	surgeryOptions
	From, To string
}

func (a *app) mvUnitCommand(runF func(*mvUnitOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "mv-unit",
		Usage:     "move a unit's folder together with its state",
		ArgsUsage: "ENV OLD_PATH NEW_PATH",
		Description: `Moves the unit folder OLD_PATH to NEW_PATH (both relative to the environment folder),
rewrites the relative source and dependency paths of the unit and of the units that depend on
it, copies its state to the key of the new path (same lineage, next serial), verifies with a
plan at the new path (and of its dependents), and then deletes the old key (a versioned S3
bucket keeps its versions). Refuses when NEW_PATH exists or its key already holds a state.
Asks for confirmation unless --auto-approve.

Examples:
  stackctl mv-unit prod apps/api services/api --dry-run
  stackctl mv-unit dev network core/network --auto-approve`,
		Flags: surgeryFlags(),
		Action: func(c *ucli.Context) error {
			o := &mvUnitOptions{}
			o.fillSurgery(a, c)
			if len(o.Args) != 2 {
				return &exitError{code: 1, err: fmt.Errorf("mv-unit needs ENV OLD_PATH NEW_PATH: stackctl mv-unit prod apps/api services/api")}
			}
			o.From, o.To, o.Args = o.Args[0], o.Args[1], nil
			if runF != nil {
				return runF(o)
			}
			return a.runMvUnit(c.Context, o)
		},
	}
}

func (a *app) runMvUnit(ctx context.Context, o *mvUnitOptions) error {
	cmd := fmt.Sprintf("stackctl mv-unit %s %s %s", o.Env, o.From, o.To)
	return a.runSurgery(ctx, &o.surgeryOptions, "mv-unit", func(ctx context.Context, env surgery.Env) (*surgery.Surgery, error) {
		return surgery.PrepareMoveUnit(ctx, env, surgery.MoveUnitOptions{From: o.From, To: o.To, Command: cmd})
	})
}

// runSurgery is every state-writing command's shape: settle what an
// interrupted run left, load, prepare, show, ask as apply does, run the
// transaction with its verification plans, show what was done.
func (a *app) runSurgery(ctx context.Context, o *surgeryOptions, what string, prepare func(context.Context, surgery.Env) (*surgery.Surgery, error)) error {
	if err := o.check(); err != nil {
		return err
	}
	if !o.DryRun && !o.AutoApprove {
		if err := a.canConfirm(what); err != nil {
			return err
		}
	}
	if err := a.settlePending(ctx, o.commonOptions, o.AutoApprove, !o.DryRun); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	env := ops.NewSurgeryEnv(e, ops.RunOptions{Parallelism: o.Parallelism})
	s, err := prepare(ctx, env)
	if errors.Is(err, surgery.ErrNothingToDo) {
		fmt.Fprintf(a.streams.Out, "Nothing to do: %s.\n", strings.TrimPrefix(err.Error(), surgery.ErrNothingToDo.Error()+": "))
		return nil
	}
	if err != nil {
		return a.fail(e, err)
	}
	rep := s.Report
	rep.DryRun = o.DryRun
	if !o.JSON {
		rep.WritePlan(a.streams.Out)
	}
	if o.DryRun {
		if o.JSON {
			return surgery.WriteJSON(a.streams.Out, rep)
		}
		fmt.Fprintln(a.streams.Out, "\nDry run: nothing was locked or changed.")
		return nil
	}
	if !o.AutoApprove {
		if err := a.confirm(what, surgeryQuestion(rep)); err != nil {
			return err
		}
	}
	progress := report.NewProgress(report.ProgressOptions{Command: "plan", Title: what + " (verifying)", LogName: strings.ReplaceAll(what, " ", "-") + "-verify",
		Env: e.Env(), LogDir: a.logDir(e), Term: io.Discard})
	env.SetRun(ops.RunOptions{Parallelism: o.Parallelism, Observer: progress})
	log := a.streams.Out
	if o.JSON {
		log = a.streams.ErrOut
	} else {
		fmt.Fprintln(log)
	}
	rep, err = s.Run(ctx, log)
	progress.Close()
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "verification failed") || strings.Contains(msg, "the plan of") {
			msg += fmt.Sprintf("\nThe verification plans' output is in %s/<unit>/%s-verify.log.", e.Stack.Display(a.logDir(e)), strings.ReplaceAll(what, " ", "-"))
		}
		return &exitError{code: 1, err: fmt.Errorf("%s", msg)}
	}
	if o.JSON {
		return surgery.WriteJSON(a.streams.Out, rep)
	}
	rep.WriteDone(a.streams.Out)
	return nil
}

// surgeryQuestion is the one question before a state write.
func surgeryQuestion(r *surgery.Report) string {
	var units []string
	for _, s := range r.States {
		units = append(units, s.Unit)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nDo you want to run this %s in %s?", r.Operation, r.Env)
	if len(units) > 0 {
		fmt.Fprintf(&b, " It locks and rewrites the state of %s (each backed up first)", strings.Join(units, ", "))
	}
	if n := len(r.Files); n > 0 {
		fmt.Fprintf(&b, ", writes %d file(s)", n)
	}
	if len(r.Moves) > 0 {
		fmt.Fprintf(&b, ", moves %d folder(s)", len(r.Moves))
	}
	b.WriteString(", then verifies with plans; if they show anything unexpected, everything is put back.")
	return b.String()
}
