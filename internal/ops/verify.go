package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/verify"
)

// Verify runs the verify checks of every selected unit that declares
// some, in dependency order, on what the units hold now: outputs from
// each unit's state and inputs rendered with its dependencies' outputs
// from state. Nothing is planned and no terraform runs. A unit whose
// checks cannot be evaluated (no state yet, an unreadable state, inputs
// that cannot be rendered) gets each of its checks failed with the
// reason; the other units' checks still run. onResult, when set, hears of
// each result as it is known.
func (e *Engine) Verify(ctx context.Context, v *verify.Verifier, onResult func(verify.Result)) []verify.Result {
	type unitChecks struct {
		first, n int // its specs in the run
		failed   []verify.Result
	}
	var specs []*config.VerifySpec
	var units []unitChecks
	for _, p := range e.Ordered() {
		u := e.Unit(p)
		if len(u.Verify) == 0 {
			continue
		}
		uc := unitChecks{first: len(specs)}
		s, reason := e.unitSpecs(ctx, u)
		if reason != "" {
			uc.failed = unverifiable(u, reason)
			if onResult != nil {
				for _, r := range uc.failed {
					onResult(r)
				}
			}
		}
		specs = append(specs, s...)
		uc.n = len(s)
		units = append(units, uc)
	}
	ran := v.Run(ctx, specs, onResult)
	var out []verify.Result
	for _, uc := range units {
		out = append(out, uc.failed...)
		out = append(out, ran[uc.first:uc.first+uc.n]...)
	}
	return out
}

// unitSpecs evaluates a unit's verify blocks with its outputs from state
// and inputs rendered from its dependencies' state, or says why they
// cannot be.
func (e *Engine) unitSpecs(ctx context.Context, u *config.Unit) ([]*config.VerifySpec, string) {
	st, b, err := e.ReadState(ctx, u, true)
	if err != nil {
		return nil, err.Error()
	}
	if st.Empty() {
		return nil, noStateReason(e, u, b)
	}
	inputs, err := e.Inputs(ctx, u, StateOnly, true)
	if err != nil {
		return nil, "its inputs cannot be rendered: " + err.Error()
	}
	specs, _ := e.Stack.EvalVerify(u, verify.Outputs(st), verify.Inputs(inputs))
	return specs, ""
}

func noStateReason(e *Engine, u *config.Unit, b state.Backend) string {
	return fmt.Sprintf("%s has no state yet (%s): its checks run on its outputs once it is applied (stackctl apply %s --unit %s)", u.Path, e.describeState(u, b), e.Env(), u.Path)
}

// describeState says where a unit's state is, a local file as a path
// relative to the working directory when it is below it.
func (e *Engine) describeState(u *config.Unit, b state.Backend) string {
	if u.Backend.Type == config.BackendLocal {
		return e.Stack.Display(b.Describe())
	}
	return b.Describe()
}

// unverifiable fails each of a unit's checks with the same reason.
func unverifiable(u *config.Unit, reason string) []verify.Result {
	out := make([]verify.Result, 0, len(u.Verify))
	for _, v := range u.Verify {
		out = append(out, verify.Result{Unit: u.Path, Name: v.Name, Kind: v.Kind, At: v.At(), Reason: reason})
	}
	return out
}

// UnitChecks are the verify results of a unit that applied with
// Options.Verify set, in UnitResult.Data.
type UnitChecks struct {
	Results []verify.Result
}

// AfterApply is the step after a unit's apply. With Options.Verify set
// (apply --verify) the unit's checks run at once on what it now holds —
// outputs read fresh from its state, the inputs it applied with — and a
// failed check fails the unit, so that its dependents are skipped; the
// results go in res.Data (*UnitChecks). Otherwise, or when the apply
// failed, res and err are returned as they are.
func (u *Unit) AfterApply(ctx context.Context, res UnitResult, err error) (UnitResult, error) {
	v := u.e.opts.Verify
	if err != nil || v == nil || len(u.Config.Verify) == 0 {
		return res, err
	}
	u.Step("verify")
	results, err := u.verify(ctx, v)
	if err != nil {
		return res, err
	}
	res.Data = &UnitChecks{Results: results}
	var failed []verify.Result
	for _, r := range results {
		status := "passed"
		if !r.Passed {
			status = "FAILED"
			failed = append(failed, r)
		}
		fmt.Fprintf(u.Output(), "stackctl: verify %s: %s: %s (%d attempt(s), %s)\n", r.Name, status, r.Reason, r.Attempts, r.Duration.Round(100*time.Millisecond))
	}
	if len(failed) == 0 {
		note := fmt.Sprintf("%d checks passed", len(results))
		if len(results) == 1 {
			note = "1 check passed"
		}
		if res.Message != "" {
			note = res.Message + "; " + note
		}
		res.Message = note
		return res, nil
	}
	return res, &UnitError{Message: checksFailed(failed, len(results)), Err: ErrCheckFailed}
}

// ErrCheckFailed is a unit that applied and failed a verify check.
var ErrCheckFailed = errors.New("verify check failed")

// checksFailed says which checks failed: the first line for the summary
// table, one line per failed check below it.
func checksFailed(failed []verify.Result, total int) string {
	var b strings.Builder
	if len(failed) == 1 {
		fmt.Fprintf(&b, "applied, then verify %s failed: %s", failed[0].Name, failed[0].Reason)
		fmt.Fprintf(&b, "\n  declared at %s", failed[0].At)
		return b.String()
	}
	names := make([]string, len(failed))
	for i, r := range failed {
		names[i] = r.Name
	}
	fmt.Fprintf(&b, "applied, then %d of %d verify checks failed: %s", len(failed), total, strings.Join(names, ", "))
	for _, r := range failed {
		fmt.Fprintf(&b, "\n  %s (%s): %s", r.Name, r.At, r.Reason)
	}
	return b.String()
}

// verify runs the unit's checks after it applied.
func (u *Unit) verify(ctx context.Context, v *verify.Verifier) ([]verify.Result, error) {
	st, b, err := u.e.ReadState(ctx, u.Config, false)
	if err != nil {
		return nil, fmt.Errorf("applied, then its state could not be read for verify: %w", err)
	}
	if st.Empty() {
		return unverifiable(u.Config, noStateReason(u.e, u.Config, b)), nil
	}
	if u.inputs == nil {
		// A unit with nothing to apply went through no render.
		if err := u.Render(ctx); err != nil {
			return nil, err
		}
	}
	specs, _ := u.e.Stack.EvalVerify(u.Config, verify.Outputs(st), verify.Inputs(u.inputs))
	return v.Run(ctx, specs, nil), nil
}

// verifyAfterApply wraps apply steps with AfterApply.
func verifyAfterApply(steps func(context.Context, *Unit) (UnitResult, error)) func(context.Context, *Unit) (UnitResult, error) {
	return func(ctx context.Context, u *Unit) (UnitResult, error) {
		res, err := steps(ctx, u)
		return u.AfterApply(ctx, res, err)
	}
}
