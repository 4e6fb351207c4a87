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

// Apply plans and applies every unit in dependency order, with no one to
// review in between (--auto-approve): one terraform process per unit
// (apply -auto-approve), as bare terraform would.
var Apply = Operation{
	Name: "apply", Deps: StateOnly, Order: Forward, Writes: true, Backend: true,
	Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		res, err := u.ApplyAuto(ctx, false)
		return u.AfterApply(ctx, res, err)
	},
}

// Destroy destroys every unit's resources, dependents first, with no one
// to review in between (--auto-approve). A dependency already destroyed
// may be stood in for by its mock_outputs: its outputs no longer matter to
// what is destroyed.
var Destroy = Operation{
	Name: "destroy", Deps: MocksAllowed, Order: Reverse, Writes: true, Backend: true, Destroys: true,
	Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
		if res, empty, err := nothingToDestroy(ctx, u); empty || err != nil {
			return res, err
		}
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		return u.ApplyAuto(ctx, true)
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
