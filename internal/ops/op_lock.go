package ops

import (
	"context"
	"path/filepath"
	"slices"

	"github.com/stackctl/stackctl/internal/terraform"
)

// LockResult is what ProvidersLock reports for a unit in UnitResult.Data.
type LockResult struct {
	// File is the unit's lock file; Changed says this run wrote it.
	File    string
	Changed bool
}

// ProvidersLock records, in every selected unit's lock file, the provider
// checksums for each platform (`terraform providers lock -platform=...`,
// reading packages from providers.mirror when it is set), then copies the
// lock file back into the unit folder. It needs no state and no inputs
// (nothing is read from the cloud): the working folder is initialised
// without the backend when it must be.
func ProvidersLock(platforms []string) Operation {
	return Operation{
		Name: "providers lock", Deps: BestEffort, Order: Independent,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			if err := u.PrepareFolder(ctx); err != nil {
				return UnitResult{}, err
			}
			u.Step("providers lock")
			err := u.wd.ProvidersLock(ctx, terraform.ProvidersLockOptions{Platforms: platforms, FSMirror: u.e.Stack.Root.ProviderMirror})
			if err != nil {
				return UnitResult{}, u.Fail(err)
			}
			changed, err := u.wd.CopyLockBack()
			if err != nil {
				return UnitResult{}, err
			}
			changed = changed || u.wd.LockChanged()
			// The result says it; the init's own warning would repeat it.
			u.mu.Lock()
			u.warnings = slices.DeleteFunc(u.warnings, func(w string) bool { return w == LockWritten })
			u.mu.Unlock()
			res := LockResult{File: filepath.Join(u.Config.Dir, terraform.LockFile), Changed: changed}
			msg := "lock file unchanged"
			if changed {
				msg = "lock file updated: commit it"
			}
			return UnitResult{Message: msg, Data: res}, nil
		},
	}
}
