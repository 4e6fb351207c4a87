package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// ApplyOptions shape the apply of a saved plan.
type ApplyOptions struct {
	LockTimeout string // "" for terraform's default
	// Extra are options translated from arguments after "--".
	Extra []tfexec.ApplyOption
}

// Apply applies a saved plan: exactly what was planned, nothing newer.
func (w *Workdir) Apply(ctx context.Context, p *Plan, o ApplyOptions) error {
	opts := []tfexec.ApplyOption{tfexec.DirOrPlan(p.File)}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
	}
	opts = append(opts, o.Extra...)
	return classify("apply", w.tf.Apply(ctx, opts...))
}
