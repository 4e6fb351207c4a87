package ops

import (
	"context"
	"fmt"

	"github.com/stackctl/stackctl/internal/drift"
	"github.com/stackctl/stackctl/internal/english"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/terraform"
)

// AcceptOperation names stackctl in the state locks and backups of
// drift --accept.
const AcceptOperation = "stackctl drift --accept"

// Accept takes the drift of a Drift run into state (drift --accept): for
// every unit whose refresh-only plan the run kept, the state is backed up
// first, then terraform applies exactly that plan. Terraform refuses a
// saved plan when the state changed after it was made, so what is applied
// is what was shown, and the backup is the state it replaced; a new
// refresh-only plan then checks that no drift is left. Data is the unit's
// *state.Backup (nil when there was no state to keep).
func Accept(drifted *Result) Operation {
	return Operation{
		Name: "accept", Deps: StateOnly, Order: Independent, Writes: true, Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			du := drifted.Unit(u.Path())
			if du == nil || du.Plan == nil {
				return UnitResult{Message: "no drift to accept"}, nil
			}
			if err := u.Prepare(ctx); err != nil {
				return UnitResult{}, err
			}
			b, err := u.BackupState(ctx, AcceptOperation)
			if err != nil {
				return UnitResult{}, err
			}
			if err := u.Apply(ctx, du.Plan); err != nil {
				return UnitResult{}, err
			}
			kept := ""
			if b != nil {
				kept = "; the state it replaced is kept in " + u.e.Stack.Display(b.Path)
			}
			// Verified as every stackctl state write is: a new refresh-only
			// plan must find nothing left.
			p, err := u.Plan(ctx, terraform.PlanOptions{RefreshOnly: true, JSON: true})
			if err != nil {
				return UnitResult{Data: b}, &UnitError{Message: "drift accepted into state, but the plan that checks it failed: " + err.Error() + kept, Err: err}
			}
			left, err := drift.Analyze(drift.Input{Unit: u.Path(), RefreshOnly: p.JSON})
			u.Planned(p, false)
			if err != nil {
				return UnitResult{Data: b}, u.Fail(err)
			}
			if left.Drifted() {
				return UnitResult{Data: b}, &UnitError{Message: fmt.Sprintf("drift accepted into state, yet a new refresh-only plan still finds %s changed (changed again meanwhile?): run stackctl drift again%s", english.Count(len(left.Resources), "resource"), kept)}
			}
			return UnitResult{Message: "drift accepted into state and verified" + kept, Data: b}, nil
		},
	}
}

// BackupState keeps a copy of the unit's current state in its backup
// folder (.stackctl/backups/<env>/<unit>/, with the S3 version) before
// terraform itself replaces it, as every stackctl state write does. It
// holds terraform's lock while it reads, so the copy is a state no one was
// writing. It returns nil when the unit has no state.
func (u *Unit) BackupState(ctx context.Context, operation string) (*state.Backup, error) {
	u.Step("back up state")
	store, backups, err := u.e.OpenStore(ctx, u.Config)
	if err != nil {
		return nil, err
	}
	lock := state.NewLockInfo(operation)
	if err := store.Lock(ctx, lock); err != nil {
		return nil, fmt.Errorf("locking the state of %s (%s) to back it up: %w", u.Path(), store.Describe(), err)
	}
	b, err := saveBackup(ctx, store, backups, lock)
	if uerr := store.Unlock(context.WithoutCancel(ctx), lock.ID); err == nil && uerr != nil {
		err = fmt.Errorf("releasing the lock of %s after backing it up: %w", store.Describe(), uerr)
	}
	return b, err
}

func saveBackup(ctx context.Context, store state.Store, backups *state.Backups, lock *state.LockInfo) (*state.Backup, error) {
	snap, err := store.ReadRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading %s to back it up: %w", store.Describe(), err)
	}
	if len(snap.Data) == 0 {
		return nil, nil
	}
	st, err := state.Parse(snap.Data)
	if err != nil {
		return nil, fmt.Errorf("reading %s to back it up: %w", store.Describe(), err)
	}
	b, err := backups.Save(snap.Data, state.Backup{
		Serial: st.Serial, Lineage: st.Lineage, TerraformVersion: st.TerraformVersion,
		Source: store.Describe(), VersionID: snap.VersionID, Operation: lock.Operation, LockID: lock.ID,
	})
	if err != nil {
		return nil, fmt.Errorf("keeping a backup of %s: %w; nothing was changed", store.Describe(), err)
	}
	return b, nil
}
