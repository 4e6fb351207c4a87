package ops

import (
	"context"

	"github.com/stackctl/stackctl/internal/terraform"
)

// Init prepares every unit's working folder and runs terraform init.
// Inputs that cannot be known yet are fine: init does not read them.
var Init = Operation{
	Name: "init", Deps: BestEffort, Order: Independent, Backend: true,
	Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		// Prepare ran init when something changed; the command promises
		// an init, so run it when Prepare did not.
		if !u.initRan {
			if err := u.Init(ctx); err != nil {
				return UnitResult{}, err
			}
		}
		return UnitResult{Message: "initialized"}, nil
	},
}

// Validate runs terraform validate in every unit, without the backend: it
// needs no credentials and no state.
var Validate = Operation{
	Name: "validate", Deps: BestEffort, Order: Independent,
	Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		if err := u.Validate(ctx); err != nil {
			return UnitResult{}, err
		}
		return UnitResult{Message: "valid"}, nil
	},
}

// Plan plans every unit in dependency order; a dependency without state
// may be stood in for by its mock_outputs. Keep says whether the plans are
// kept in the result (saved plans, the review before an apply).
func Plan(keep bool) Operation {
	return Operation{
		Name: "plan", Deps: MocksAllowed, Order: Forward, Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			if err := u.Prepare(ctx); err != nil {
				return UnitResult{}, err
			}
			p, err := u.Plan(ctx, terraform.PlanOptions{})
			if err != nil {
				return UnitResult{}, err
			}
			return u.Planned(p, keep), nil
		},
	}
}

// Apply plans and applies every unit in dependency order, each exactly as
// just planned, with no one to review in between (--auto-approve).
var Apply = Operation{
	Name: "apply", Deps: StateOnly, Order: Forward, Writes: true, Backend: true,
	Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		p, err := u.Plan(ctx, terraform.PlanOptions{})
		if err != nil {
			return UnitResult{}, err
		}
		return applyPlanned(ctx, u, p)
	},
}

// Destroy destroys every unit's resources, dependents first.
var Destroy = Operation{
	Name: "destroy", Deps: StateOnly, Order: Reverse, Writes: true, Backend: true,
	Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
		if res, empty, err := nothingToDestroy(ctx, u); empty || err != nil {
			return res, err
		}
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		p, err := u.Plan(ctx, terraform.PlanOptions{Destroy: true})
		if err != nil {
			return UnitResult{}, err
		}
		return applyPlanned(ctx, u, p)
	},
}

// nothingToDestroy reports a unit without state: nothing to destroy, and
// no terraform needed to learn that.
func nothingToDestroy(ctx context.Context, u *Unit) (UnitResult, bool, error) {
	st, _, err := u.State(ctx)
	if err != nil {
		return UnitResult{}, false, err
	}
	if st.Empty() {
		return UnitResult{Changes: &terraform.Changes{}, Message: "no state: nothing to destroy"}, true, nil
	}
	return UnitResult{}, false, nil
}

// applyPlanned applies a plan just made, when it has changes, and drops
// it: nothing later reads a plan that was applied.
func applyPlanned(ctx context.Context, u *Unit, p *terraform.Plan) (UnitResult, error) {
	res := u.Planned(p, true)
	var err error
	if p.HasChanges {
		err = u.Apply(ctx, p)
	}
	res.Plan.Discard()
	res.Plan = nil
	return res, err
}
