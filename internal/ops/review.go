package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stackctl/stackctl/internal/terraform"
)

// Approver answers for the person reviewing an apply or destroy.
type Approver interface {
	// Approve is shown every unit's plan once, and says whether to go on.
	Approve(ctx context.Context, plans *Result) (bool, error)
	// Reapprove is shown a unit planned again just before it applies,
	// because the outputs of its dependencies changed since it was shown
	// (or it could not be planned before they existed).
	Reapprove(ctx context.Context, u *UnitOutcome) (bool, error)
}

// ErrDeclined is a unit whose plan was shown and not approved.
var ErrDeclined = errors.New("not approved")

// Review plans every selected unit for apply (or destroy) and keeps the
// plans, for a person to see before anything changes. Dependency outputs
// come from state; a unit whose dependency has no state yet is planned on
// its mock_outputs when it has some (such a plan is shown, never applied)
// and otherwise deferred until that dependency is applied.
func Review(destroy bool) Operation {
	if destroy {
		return Operation{
			Name: "destroy", Deps: MocksAllowed, Order: Independent, Backend: true, Destroys: true,
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
				return u.Planned(p, true), nil
			},
		}
	}
	return Operation{
		Name: "apply", Deps: MocksAllowed, Order: Independent, Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			if err := u.Render(ctx); err != nil {
				var ns *NoStateError
				if errors.As(err, &ns) {
					return UnitResult{Deferred: true, Message: fmt.Sprintf("planned once %s is applied (it has no state yet)", ns.Unit)}, nil
				}
				return UnitResult{}, err
			}
			if err := u.Setup(ctx); err != nil {
				return UnitResult{}, err
			}
			p, err := u.Plan(ctx, terraform.PlanOptions{})
			if err != nil {
				return UnitResult{}, err
			}
			res := u.Planned(p, true)
			// The review says this itself; the summary need not repeat it.
			res.Warnings = nil
			return res, nil
		},
	}
}

// Reviewed applies (or destroys) exactly the plans of a review, in
// dependency order (dependents first for destroy). A unit whose plan is no
// longer current by the time it runs — its dependencies' outputs changed
// when they applied, or it was planned on mock outputs or not at all — is
// planned again and applied only when ap approves that new plan.
func Reviewed(plans *Result, destroy bool, ap Approver) Operation {
	op := Operation{Name: "apply", Deps: StateOnly, Order: Forward, Writes: true, Backend: true}
	if destroy {
		op.Name, op.Order, op.Deps, op.Destroys = "destroy", Reverse, MocksAllowed, true
	}
	op.Steps = func(ctx context.Context, u *Unit) (UnitResult, error) {
		pu := plans.Unit(u.Path())
		if pu == nil {
			return UnitResult{}, fmt.Errorf("%s was not in the reviewed plans", u.Path())
		}
		if destroy || pu.Plan == nil && !pu.Deferred && len(pu.Mocked) == 0 {
			// Destroy plans stay current (nothing a dependent destroys
			// changes its dependencies), and a unit without a plan had
			// nothing to do.
			if pu.Plan == nil {
				return pu.UnitResult, nil
			}
			if err := u.Prepare(ctx); err != nil {
				return UnitResult{}, err
			}
			return pu.UnitResult, u.Apply(ctx, pu.Plan)
		}
		if err := u.Render(ctx); err != nil {
			return UnitResult{}, err
		}
		current := !pu.Deferred && len(pu.Mocked) == 0 && u.DepHash() == pu.DepHash
		if err := u.Setup(ctx); err != nil {
			return UnitResult{}, err
		}
		if current {
			if !pu.HasChanges {
				return pu.UnitResult, nil
			}
			return pu.UnitResult, u.Apply(ctx, pu.Plan)
		}
		p, err := u.Plan(ctx, terraform.PlanOptions{})
		if err != nil {
			return UnitResult{}, err
		}
		res := u.Planned(p, true)
		if !p.HasChanges {
			return res, nil
		}
		why := "its dependencies' outputs changed since its plan was shown"
		switch {
		case pu.Deferred:
			why = "it could not be planned before its dependencies existed"
		case len(pu.Mocked) > 0:
			why = "its plan was made on the mock_outputs of " + strings.Join(pu.Mocked, ", ")
		}
		res.Message = "planned again: " + why
		ok, err := ap.Reapprove(ctx, &UnitOutcome{Unit: u.Path(), Status: Succeeded, UnitResult: res})
		if err != nil {
			return res, err
		}
		if !ok {
			res.Message = "not applied: its new plan was not approved"
			return res, fmt.Errorf("%s: %w (planned again because %s)", u.Path(), ErrDeclined, why)
		}
		return res, u.Apply(ctx, p)
	}
	if !destroy {
		op.Steps = verifyAfterApply(op.Steps)
	}
	return op
}

// DependsOnChanges lists, for a unit of a review, the selected
// dependencies whose plans change something: the unit's own plan may
// change once they apply.
func (e *Engine) DependsOnChanges(plans *Result, unit string) []string {
	var out []string
	for _, d := range e.Graph.Dependencies(unit) {
		if du := plans.Unit(d); du != nil && (du.HasChanges || du.Deferred) {
			out = append(out, d)
		}
	}
	return out
}
