package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/state"
)

func (a *app) forceUnlockCommand() *ucli.Command {
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
		Flags: commonFlags(unitFlag,
			&ucli.BoolFlag{Name: "auto-approve", Usage: "do not ask for confirmation", EnvVars: envVar("AUTO_APPROVE")},
		),
		Action: func(c *ucli.Context) error {
			if c.Args().Len() != 2 {
				return &exitError{code: 1, err: fmt.Errorf("force-unlock needs ENV and LOCK_ID: stackctl force-unlock ENV --unit UNIT LOCK_ID")}
			}
			lockID := c.Args().Get(1)
			s, err := a.loadArgs(c, c.Args().First())
			if err != nil {
				return err
			}
			units := s.ordered()
			if len(units) != 1 {
				return &exitError{code: 1, err: fmt.Errorf("force-unlock releases the lock of one unit; name it with --unit (the selection holds %d: %s)", len(units), strings.Join(units, ", "))}
			}
			u := s.stack.Unit(units[0])
			opener := backend.NewOpener(s.stack.Env.Name)
			b, err := opener.Open(c.Context, u.Backend)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			var lock *state.LockInfo
			if l, ok := b.(state.Locker); ok {
				if lock, err = l.LockInfo(c.Context); err != nil {
					return &exitError{code: 1, err: err}
				}
				if lock == nil {
					return &exitError{code: 1, err: fmt.Errorf("the state of %s (%s) is not locked: nothing to release", u.Path, b.Describe())}
				}
				if lock.ID != lockID {
					return &exitError{code: 1, err: fmt.Errorf("the state of %s is %s, not by lock %s: check the ID", u.Path, lock, lockID)}
				}
			}
			if !c.Bool("auto-approve") {
				holder := "lock " + lockID
				if lock != nil {
					holder = lock.String()
				}
				question := fmt.Sprintf("The state of %s (%s) is %s.\n  Release it? If that run is still going, its state may be corrupted.", u.Path, b.Describe(), holder)
				if err := a.confirm("force-unlock", question); err != nil {
					return err
				}
			}
			tf, err := a.terraformSession(c, s.stack.Root)
			if err != nil {
				return err
			}
			engine := &ops.Engine{Stack: s.stack, Session: tf, States: opener}
			if err := engine.ForceUnlock(c.Context, u, lockID); err != nil {
				return &exitError{code: 1, err: err}
			}
			fmt.Fprintf(a.streams.Out, "Released lock %s of %s (%s).\n", lockID, u.Path, b.Describe())
			return nil
		},
	}
}
