package cli

import (
	"context"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
)

type forceUnlockOptions struct {
	commonOptions
	LockID      string
	AutoApprove bool
}

func (a *app) forceUnlockCommand(runF func(*forceUnlockOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "force-unlock",
		Usage:     "release a unit's state lock left behind by a run that died",
		ArgsUsage: "ENV LOCK_ID",
		Description: `Shows who holds the lock of one unit's state and, once confirmed, releases it with
terraform force-unlock. LOCK_ID must match the current lock: releasing the lock of a run that
is still going corrupts state. Asks for confirmation on a terminal unless --auto-approve.

Examples:
  stackctl force-unlock prod --unit database 3b2c1a8e-5f4d-…
  stackctl force-unlock dev -u network LOCK_ID --auto-approve`,
		Flags: commonFlags(unitFlag(), autoApproveFlag()),
		Action: func(c *ucli.Context) error {
			o := &forceUnlockOptions{AutoApprove: c.Bool("auto-approve")}
			o.fill(a, c)
			if c.Args().Len() != 2 {
				return &exitError{code: 1, err: fmt.Errorf("force-unlock needs ENV and LOCK_ID: stackctl force-unlock ENV --unit UNIT LOCK_ID")}
			}
			o.LockID, o.Args = o.Args[0], nil
			if runF != nil {
				return runF(o)
			}
			return a.runForceUnlock(c.Context, o)
		},
	}
}

func (a *app) runForceUnlock(ctx context.Context, o *forceUnlockOptions) error {
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	units := e.Ordered()
	if len(units) != 1 {
		return &exitError{code: 1, err: fmt.Errorf("force-unlock releases the lock of one unit; name it with --unit (the selection holds %d: %s)", len(units), strings.Join(units, ", "))}
	}
	u := e.Unit(units[0])
	lock, where, err := e.LockHolder(ctx, u)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if lock == nil {
		return &exitError{code: 1, err: fmt.Errorf("the state of %s (%s) is not locked: nothing to release", u.Path, where)}
	}
	if lock.ID != o.LockID {
		return &exitError{code: 1, err: fmt.Errorf("the state of %s is %s, not by lock %s: check the ID", u.Path, lock, o.LockID)}
	}
	if !o.AutoApprove {
		question := fmt.Sprintf("The state of %s (%s) is %s.\n  Release it? If that run is still going, its state may be corrupted.", u.Path, where, lock)
		if err := a.confirm("force-unlock", question); err != nil {
			return err
		}
	}
	if err := e.ForceUnlock(ctx, u, o.LockID); err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(a.streams.Out, "Released lock %s of %s (%s).\n", o.LockID, u.Path, where)
	return nil
}
