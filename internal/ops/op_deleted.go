package ops

import (
	"context"

	"github.com/stackctl/stackctl/internal/terraform"
)

// DestroyDeleted plans (apply false) or destroys (apply true) units
// deleted since --changed-since's REF, on an engine opened at the merge
// base (OpenAt), dependents first. A dependency that is gone too may have
// no state any more: its mock_outputs stand in, since a destroy hardly
// reads its inputs.
func DestroyDeleted(apply bool) Operation {
	op := Operation{Name: "plan", Deps: MocksAllowed, Order: Reverse, Backend: true}
	if apply {
		op.Name, op.Writes, op.Destroys = "apply", true, true
	}
	op.Steps = func(ctx context.Context, u *Unit) (UnitResult, error) {
		if res, empty, err := nothingToDestroy(ctx, u); empty || err != nil {
			return res, err
		}
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		if apply {
			return u.ApplyAuto(ctx, true)
		}
		p, err := u.Plan(ctx, terraform.PlanOptions{Destroy: true})
		if err != nil {
			return UnitResult{}, err
		}
		return u.Planned(p, false), nil
	}
	return op
}
