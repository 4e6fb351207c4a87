package terraform

import (
	"context"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
)

// PlanOptions shape one plan.
type PlanOptions struct {
	Destroy     bool
	LockTimeout string // "" for terraform's default
	// Extra are options translated from arguments after "--".
	Extra []tfexec.PlanOption
}

// Changes counts what a plan would do, as terraform's "Plan:" line does (a
// replacement counts as one add and one destroy).
type Changes struct {
	Add, Change, Destroy, Import int
	// Outputs reports changed root outputs (a plan with only output
	// changes still has changes).
	Outputs bool
}

// Plan is a saved plan.
type Plan struct {
	HasChanges bool
	Changes    Changes
	// File is the saved plan (mode 0600: plans can hold secrets). The caller
	// removes it with Discard once done.
	File string
}

// Plan runs `terraform plan -out` and, only when there are changes, reads
// the saved plan with `terraform show -json` to count them: a no-op plan
// costs one terraform process. The plan is returned even with an error:
// terraform saves a plan that failed part-way too, and Discard must remove
// it.
func (w *Workdir) Plan(ctx context.Context, o PlanOptions) (*Plan, error) {
	p := &Plan{File: filepath.Join(w.CacheDir, planFile)}
	_ = os.Remove(p.File)
	opts := []tfexec.PlanOption{tfexec.Out(p.File), tfexec.Destroy(o.Destroy)}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
	}
	opts = append(opts, o.Extra...)
	changed, err := w.tf.Plan(ctx, opts...)
	if err != nil {
		return p, err
	}
	_ = os.Chmod(p.File, 0o600)
	p.HasChanges = changed
	if !changed {
		return p, nil
	}
	if err := w.learnVersion(ctx); err != nil {
		return p, err
	}
	var plan *tfjson.Plan
	err = w.quietly(func() (err error) {
		plan, err = w.tf.ShowPlanFile(ctx, p.File)
		return err
	})
	if err != nil {
		return p, err
	}
	p.Changes = CountChanges(plan)
	return p, nil
}

// Discard removes the saved plan.
func (p *Plan) Discard() {
	if p != nil && p.File != "" {
		_ = os.Remove(p.File)
	}
}

// CountChanges counts a plan's resource changes the way terraform's
// summary line does.
func CountChanges(plan *tfjson.Plan) Changes {
	var c Changes
	for _, rc := range plan.ResourceChanges {
		if rc.Change == nil {
			continue
		}
		a := rc.Change.Actions
		switch {
		case a.Create():
			c.Add++
		case a.Update():
			c.Change++
		case a.Delete():
			c.Destroy++
		case a.Replace():
			c.Add++
			c.Destroy++
		}
		if rc.Change.Importing != nil {
			c.Import++
		}
	}
	c.Outputs = len(plan.OutputChanges) > 0 && outputsChange(plan)
	return c
}

func outputsChange(plan *tfjson.Plan) bool {
	for _, oc := range plan.OutputChanges {
		if oc != nil && !oc.Actions.NoOp() {
			return true
		}
	}
	return false
}
