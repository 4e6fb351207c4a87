package surgery

import (
	"context"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// OpenerFor opens stores for recovery the way every command does, without
// loading the environment's configuration (a half-moved unit folder may
// keep it from loading).
func OpenerFor(root, env string) Opener {
	o := backend.NewOpener(env, backend.WithBackupDir(backend.BackupDir(root)))
	return func(ctx context.Context, unit string, b config.Backend) (state.Store, *state.Backups, error) {
		return o.OpenStore(ctx, &config.Unit{Path: unit, Backend: b})
	}
}
