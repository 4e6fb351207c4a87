package terraform

import (
	"context"
)

// ForceUnlock releases a state lock with `terraform force-unlock`, so the
// backend's own unlock logic (lock file, S3 object, DynamoDB item) is used.
func (w *Workdir) ForceUnlock(ctx context.Context, lockID string) error {
	if err := w.learnVersion(ctx); err != nil {
		return err
	}
	return classify("force-unlock", w.tf.ForceUnlock(ctx, lockID))
}
