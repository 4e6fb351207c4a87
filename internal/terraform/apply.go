package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Apply applies a saved plan: exactly what was planned, nothing newer.
func (w *Workdir) Apply(ctx context.Context, p *Plan, lockTimeout string) error {
	opts := []tfexec.ApplyOption{tfexec.DirOrPlan(p.File)}
	if lockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(lockTimeout))
	}
	return w.tf.Apply(ctx, opts...)
}
