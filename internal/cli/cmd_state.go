package cli

import (
	"context"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/surgery"
)

func (a *app) stateCommand(runs stateRuns) *ucli.Command {
	return &ucli.Command{
		Name:      "state",
		Usage:     "state surgery across units, backups, recovery of a state terraform could not save",
		ArgsUsage: "list|mv|backups|restore|push-errored|recover ENV ...",
		Description: `Every command here that writes state does it as one transaction: the lock of every state
involved taken (Terraform's own), each state backed up, written with its lineage and the next
serial, verified with plans, and restored when anything fails. A run killed half-way is
finished or rolled back by the next stackctl command (or state recover).`,
		Subcommands: []*ucli.Command{
			a.stateListCommand(runs.list),
			a.stateBackupsCommand(runs.backups),
			a.stateMvCommand(runs.mv),
			a.stateRestoreCommand(runs.restore),
			a.statePushErroredCommand(runs.push),
			a.stateRecoverCommand(runs.recover),
		},
	}
}

// stateRuns replace the run functions, for tests of flags → options.
type stateRuns struct {
	list    func(*stateListOptions) error
	backups func(*stateListOptions) error
	mv      func(*stateMvOptions) error
	restore func(*stateRestoreOptions) error
	push    func(*statePushOptions) error
	recover func(*stateRecoverOptions) error
}

type stateListOptions struct {
	commonOptions
	JSON bool
}

func (a *app) stateListCommand(runF func(*stateListOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "list",
		Usage:     "the resource instances in each selected unit's state, with their IDs",
		ArgsUsage: "ENV",
		Description: `Lists, per selected unit (default: all), every resource instance in its state in the order
of terraform state list, with its ID, and any errored state kept for it.

Examples:
  stackctl state list prod
  stackctl state list prod --unit service --json`,
		Flags: commonFlags(unitFlag(), jsonFlag()),
		Action: func(c *ucli.Context) error {
			o := &stateListOptions{JSON: c.Bool("json")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runStateList(c.Context, o)
		},
	}
}

func (a *app) runStateList(ctx context.Context, o *stateListOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	list, err := surgery.List(ctx, ops.NewSurgeryEnv(e, ops.RunOptions{}))
	if err != nil {
		return a.fail(e, err)
	}
	if o.JSON {
		return surgery.WriteJSON(a.streams.Out, list)
	}
	surgery.WriteStates(a.streams.Out, e.Stack.Root.Dir, list)
	return nil
}

func (a *app) stateBackupsCommand(runF func(*stateListOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "backups",
		Usage:     "the backups stackctl kept of each selected unit's state",
		ArgsUsage: "ENV",
		Description: `Lists the backups in .stackctl/backups/<env>/<unit>/, oldest first: the state every stackctl
state write replaced, with its serial, the operation and the S3 object version it was.

Examples:
  stackctl state backups prod --unit service
  stackctl state backups prod --json`,
		Flags: commonFlags(unitFlag(), jsonFlag()),
		Action: func(c *ucli.Context) error {
			o := &stateListOptions{JSON: c.Bool("json")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runStateBackups(c.Context, o)
		},
	}
}

func (a *app) runStateBackups(ctx context.Context, o *stateListOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	list, err := surgery.Backups(ctx, ops.NewSurgeryEnv(e, ops.RunOptions{}))
	if err != nil {
		return a.fail(e, err)
	}
	if o.JSON {
		return surgery.WriteJSON(a.streams.Out, list)
	}
	surgery.WriteBackups(a.streams.Out, e.Stack.Root.Dir, list)
	return nil
}

type stateMvOptions struct {
	surgeryOptions
	FromUnit, From string
	ToUnit, To     string
	WriteMoved     bool
}

func (a *app) stateMvCommand(runF func(*stateMvOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "mv",
		Usage:     "move a resource from one unit's state to another's",
		ArgsUsage: "ENV UNIT:ADDRESS UNIT:ADDRESS",
		Description: `Moves a resource (or one instance) between the states of two units, or within one: both
states locked in one fixed order (so two runs never deadlock), the instances moved with the
dependencies that still hold, and both units verified with plans (the source must not create
it again, the destination must not destroy, replace or create it). Says which resource block
to move where in the configuration: move it first, then run state mv. With --write-moved no
state is written: a removed block (source) and an import block (destination) are written into
the unit folders (stackctl_moved.tf) for the next apply to do the move through terraform;
within one unit, a moved block.

Examples:
  stackctl state mv prod network:aws_security_group.alb service:aws_security_group.alb --dry-run
  stackctl state mv prod network:aws_security_group.alb service:aws_security_group.alb --auto-approve
  stackctl state mv prod network:aws_security_group.alb service:aws_security_group.alb --write-moved`,
		Flags: surgeryFlags(&ucli.BoolFlag{Name: "write-moved", Usage: "write removed/import blocks instead of moving the state", EnvVars: envVar("WRITE_MOVED")}),
		Action: func(c *ucli.Context) error {
			o := &stateMvOptions{WriteMoved: c.Bool("write-moved")}
			o.fillSurgery(a, c)
			if len(o.Args) != 2 {
				return &exitError{code: 1, err: fmt.Errorf("state mv needs ENV SOURCE DESTINATION, each UNIT:ADDRESS: stackctl state mv prod network:aws_security_group.alb service:aws_security_group.alb")}
			}
			var err error
			if o.FromUnit, o.From, err = unitAddress(o.Args[0]); err == nil {
				o.ToUnit, o.To, err = unitAddress(o.Args[1])
			}
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			o.Args = nil
			if runF != nil {
				return runF(o)
			}
			return a.runStateMv(c.Context, o)
		},
	}
}

// unitAddress splits UNIT:ADDRESS (unit paths hold no colon).
func unitAddress(s string) (string, string, error) {
	u, addr, ok := strings.Cut(s, ":")
	if !ok || u == "" || addr == "" {
		return "", "", fmt.Errorf("%q is not UNIT:ADDRESS (such as network:aws_security_group.alb)", s)
	}
	return u, addr, nil
}

func (a *app) runStateMv(ctx context.Context, o *stateMvOptions) error {
	cmd := fmt.Sprintf("stackctl state mv %s %s:%s %s:%s", o.Env, o.FromUnit, o.From, o.ToUnit, o.To)
	return a.runSurgery(ctx, &o.surgeryOptions, "state mv", func(ctx context.Context, env surgery.Env) (*surgery.Surgery, error) {
		return surgery.PrepareStateMove(ctx, env, surgery.MoveOptions{FromUnit: o.FromUnit, From: o.From, ToUnit: o.ToUnit, To: o.To, WriteMoved: o.WriteMoved, Command: cmd})
	})
}

type stateRestoreOptions struct {
	surgeryOptions
	Backup string
}

func (a *app) stateRestoreCommand(runF func(*stateRestoreOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "restore",
		Usage:     "bring back a backup of a unit's state",
		ArgsUsage: "ENV --unit UNIT BACKUP|latest",
		Description: `Writes a backup (a name from state backups, or latest) over the unit's state as a
transaction: locked, the current state backed up first, the lineage kept and the serial
advanced, verified with a plan that must not destroy, replace or create what the backup holds.

Examples:
  stackctl state backups prod --unit service
  stackctl state restore prod --unit service 20260102T150405.000000000Z-serial-7.tfstate`,
		Flags: surgeryFlags(unitFlag()),
		Action: func(c *ucli.Context) error {
			o := &stateRestoreOptions{}
			o.fillSurgery(a, c)
			if len(o.Args) != 1 {
				return &exitError{code: 1, err: fmt.Errorf("state restore needs ENV --unit UNIT BACKUP (a name from stackctl state backups, or latest)")}
			}
			o.Backup, o.Args = o.Args[0], nil
			if runF != nil {
				return runF(o)
			}
			return a.runStateRestore(c.Context, o)
		},
	}
}

func oneUnit(what string, units []string) (string, error) {
	if len(units) != 1 || strings.ContainsAny(units[0], "*?[") {
		return "", &exitError{code: 1, err: fmt.Errorf("%s works on one unit: name it with --unit UNIT", what)}
	}
	return units[0], nil
}

func (a *app) runStateRestore(ctx context.Context, o *stateRestoreOptions) error {
	unit, err := oneUnit("state restore", o.Units)
	if err != nil {
		return err
	}
	cmd := fmt.Sprintf("stackctl state restore %s --unit %s %s", o.Env, unit, o.Backup)
	return a.runSurgery(ctx, &o.surgeryOptions, "state restore", func(ctx context.Context, env surgery.Env) (*surgery.Surgery, error) {
		return surgery.PrepareRestore(ctx, env, surgery.RestoreOptions{Unit: unit, Backup: o.Backup, Command: cmd})
	})
}

type statePushOptions struct {
	surgeryOptions
	File string
}

func (a *app) statePushErroredCommand(runF func(*statePushOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "push-errored",
		Usage:     "push the state terraform could not save (errored.tfstate)",
		ArgsUsage: "ENV --unit UNIT",
		Description: `When terraform cannot save a state it writes errored.tfstate; stackctl keeps it in
.stackctl/errored/<env>/<unit>/ and names it in the unit's failure. This pushes the newest
one (or --file) as a transaction: locked, the lineage the stored one's, the serial not older
(nobody applied since), the current state backed up, verified with a plan.

Examples:
  stackctl state push-errored prod --unit database
  stackctl state push-errored prod --unit database --auto-approve`,
		Flags: surgeryFlags(unitFlag(), &ucli.StringFlag{Name: "file", Usage: "push this kept errored state (`NAME` or path) instead of the newest", EnvVars: envVar("FILE")}),
		Action: func(c *ucli.Context) error {
			o := &statePushOptions{File: c.String("file")}
			o.fillSurgery(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runStatePushErrored(c.Context, o)
		},
	}
}

func (a *app) runStatePushErrored(ctx context.Context, o *statePushOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	unit, err := oneUnit("state push-errored", o.Units)
	if err != nil {
		return err
	}
	cmd := fmt.Sprintf("stackctl state push-errored %s --unit %s", o.Env, unit)
	return a.runSurgery(ctx, &o.surgeryOptions, "state push-errored", func(ctx context.Context, env surgery.Env) (*surgery.Surgery, error) {
		return surgery.PreparePushErrored(ctx, env, surgery.PushOptions{Unit: unit, File: o.File, Command: cmd})
	})
}

type stateRecoverOptions struct {
	commonOptions
	AutoApprove bool
}

func (a *app) stateRecoverCommand(runF func(*stateRecoverOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "recover",
		Usage:     "finish or roll back a state transaction that was interrupted",
		ArgsUsage: "ENV",
		Description: `A stackctl state write killed half-way leaves a journal in .stackctl/backups/<env>/.journal/.
The next apply, destroy or state command settles it; this command does only that: a
transaction that was verified and committed is finished, any other is rolled back, so that
every state and file is either the old one or the new one. Asks unless --auto-approve.

Examples:
  stackctl state recover prod
  stackctl state recover prod --auto-approve`,
		Flags: commonFlags(autoApproveFlag()),
		Action: func(c *ucli.Context) error {
			o := &stateRecoverOptions{AutoApprove: c.Bool("auto-approve")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runStateRecover(c.Context, o)
		},
	}
}

func (a *app) runStateRecover(ctx context.Context, o *stateRecoverOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	if o.Env == "" {
		return &exitError{code: 1, err: fmt.Errorf("state recover needs ENV: stackctl state recover prod")}
	}
	n, err := a.settle(ctx, o.commonOptions, o.AutoApprove, true)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(a.streams.Out, "No interrupted state transaction in %s: nothing to recover.\n", o.Env)
	}
	return nil
}
