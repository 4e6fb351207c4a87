package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/state/local"
	"github.com/stackctl/stackctl/internal/terraform"
)

// Order says how units of an operation wait for each other.
type Order int

// Orders.
const (
	// Forward runs a unit after its dependencies (plan, apply).
	Forward Order = iota
	// Reverse runs a unit after its dependents (destroy).
	Reverse
	// Independent runs units as soon as there is room; a failure skips
	// nothing (init, validate, drift).
	Independent
)

// Operation is what stackctl does in each unit of a selection. Adding an
// operation is writing one of these (see docs/design.md): the runner,
// which only schedules, and the other operations stay as they are.
type Operation struct {
	// Name is the operation as logs, progress and summaries name it.
	Name string
	// Deps says what stands in for dependency outputs without state.
	Deps DepMode
	// Order says how units wait for each other.
	Order Order
	// Writes says the operation changes state: dependency outputs are read
	// fresh when a unit starts, never from this invocation's cache.
	Writes bool
	// Backend says the operation reaches the units' state backends (init
	// with the backend; remote state checked before any unit starts).
	Backend bool
	// Destroys says the operation destroys the units' resources: a unit
	// with prevent_destroy = true is refused before anything runs.
	Destroys bool
	// Steps is one unit's work. u gives the pieces every operation shares
	// (inputs, working folder, init, plan, apply, failure messages).
	Steps func(ctx context.Context, u *Unit) (UnitResult, error)
}

// UnitResult is what an operation's steps report for one unit.
type UnitResult struct {
	// Plan is the plan the unit made, kept until Result.Discard (or handed
	// over with Result.Keep); nil when none was kept.
	Plan *terraform.Plan `json:"-"`
	// Changes counts what the unit's plan does (or did, for apply).
	Changes *terraform.Changes `json:"changes,omitempty"`
	// HasChanges is terraform's verdict (-detailed-exitcode): output-only
	// changes count.
	HasChanges bool `json:"has_changes"`
	// Message is a short remark for the summary ("no changes", "no state").
	Message string `json:"note,omitempty"`
	// Warnings are said once more in the summary: on a terminal the live
	// view hides them while it runs.
	Warnings []string `json:"warnings,omitempty"`
	// Mocked names the dependencies whose mock_outputs the plan used.
	Mocked []string `json:"mocked,omitempty"`
	// DepHash identifies the dependency outputs the unit's inputs were
	// rendered with, to tell whether a kept plan is still current.
	DepHash string `json:"-"`
	// Dependencies are the dependency outputs the inputs read, hashed, for
	// saved plans (see StaleOutputs).
	Dependencies []DependencyUse `json:"-"`
	// Resources are what the plan does, resource by resource, for views
	// that list them after the plan itself is gone.
	Resources []terraform.ResourceAction `json:"-"`
	// Deferred: the unit could not be planned yet (a dependency has no
	// state and no mock outputs); it is planned when that one is applied.
	Deferred bool `json:"deferred,omitempty"`
	// Data is what an operation reports beyond plans (drift, checks).
	Data any `json:"-"`
}

// Summary is the unit's one-line remark for progress views.
func (r UnitResult) Summary() string {
	if r.Changes != nil && r.HasChanges && r.Changes.Any() {
		return r.Changes.String()
	}
	if r.Message == "" && r.Changes != nil && r.HasChanges && r.Changes.Outputs {
		return "outputs change"
	}
	return r.Message
}

// Status is how a unit ended.
type Status = runner.Status

// Unit statuses.
const (
	Succeeded   = runner.Succeeded
	Failed      = runner.Failed
	Skipped     = runner.Skipped
	Interrupted = runner.Interrupted
)

// Observer follows a run (report.Progress is one).
type Observer = runner.Observer

// UnitOutcome is one unit's end in a Result.
type UnitOutcome struct {
	Unit     string
	Status   Status
	Err      error
	Started  time.Time
	Duration time.Duration
	UnitResult
}

// Result is an operation run across a selection.
type Result struct {
	Operation string
	Env       string
	// Units are in the order the operation runs them: dependency order,
	// reversed for Reverse operations.
	Units    []UnitOutcome
	Duration time.Duration
}

// stateChecker is a StateOpener that can check, before a run, that every
// state it will read can be reached (backend.Opener).
type stateChecker interface {
	Check(ctx context.Context, units []*config.Unit) error
}

// RunOptions say which units run and how.
type RunOptions struct {
	// Selected units; nil means the engine's selection.
	Selected    map[string]bool
	Parallelism int
	Observer    Observer
}

// Run runs op in every selected unit. It fails before any unit starts when
// remote state cannot be reached or terraform cannot be found; unit
// failures are in the result.
func (e *Engine) Run(ctx context.Context, op Operation, o RunOptions) (*Result, error) {
	sel := o.Selected
	if sel == nil {
		sel = e.Selected
	}
	order := e.Graph.OrderOf(sel)
	if len(order) == 0 {
		envDir := e.Stack.Display(e.Stack.Env.Dir)
		return nil, fmt.Errorf("environment %s has no units: %s holds no folder with a unit.hcl; add one (for example %s/network/unit.hcl with source = \"../../../modules/network\")",
			e.Env(), envDir, envDir)
	}
	if op.Destroys {
		if err := e.refusePreventDestroy(order); err != nil {
			return nil, err
		}
	}
	if op.Writes {
		if err := e.checkAccount(ctx); err != nil {
			return nil, err
		}
	}
	if op.Backend {
		// Every selected unit's state and every dependency's is used:
		// check remote state can be reached before any terraform runs.
		if c, ok := e.States.(stateChecker); ok {
			if err := c.Check(ctx, e.Touched(sel)); err != nil {
				return nil, err
			}
		}
	}
	if _, err := e.Terraform(ctx); err != nil {
		return nil, err
	}
	if op.Order == Reverse {
		slices.Reverse(order)
	}
	if op.Order == Forward {
		// Units that wait for their dependencies get their working folder
		// and init done meanwhile. Not for destroy: a unit without state
		// needs no terraform at all.
		e.early = e.startEarly(ctx, &op, order)
		defer func() {
			e.early.close()
			e.early = nil
		}()
	}
	dog := newWatchdog(e.opts.StallTimeout)
	defer dog.close()
	t0 := time.Now()
	results := runner.Run(ctx, runner.Options{
		Graph: e.Graph, Selected: sel, Parallelism: o.Parallelism,
		Reverse: op.Order == Reverse, Independent: op.Order == Independent, Observer: o.Observer,
	}, func(ctx context.Context, path string, uio runner.UnitIO) (UnitResult, error) {
		u := &Unit{e: e, op: &op, Config: e.Stack.Unit(path)}
		ctx, wio, done := dog.watch(ctx, u, uio)
		u.io = wio
		defer done()
		res, err := op.Steps(ctx, u)
		if u.out != nil {
			// The masking writer holds a last line without its newline
			// (terraform output -raw) and lines that may end in the start
			// of a wrapped secret until it is flushed: without this they
			// never reached the terminal or the log.
			_ = u.out.Flush()
		}
		if err != nil && u.stalledMessage() != "" && !errors.Is(err, context.Canceled) {
			err = &UnitError{Message: u.stalledMessage() + "; it was stopped", Err: err}
		}
		if b := u.Config.Backend; b.Type == config.BackendLocal && op.Backend {
			// terraform creates the state and its backup world-readable.
			_ = local.MakePrivate(b.String("path"))
		}
		u.wd.Close()
		res.Warnings = append(u.warnings, res.Warnings...)
		if err != nil {
			u.discardPlans()
			res.Plan = nil
		}
		return res, err
	})
	byUnit := make(map[string]runner.Result[UnitResult], len(results))
	for _, r := range results {
		byUnit[r.Unit] = r
	}
	res := &Result{Operation: op.Name, Env: e.Env(), Duration: time.Since(t0)}
	for _, p := range order {
		r, ok := byUnit[p]
		if !ok {
			continue
		}
		uo := UnitOutcome{Unit: p, Status: r.Status, Err: r.Err, Started: r.Started, Duration: r.Duration, UnitResult: r.Value}
		if uo.Message == "" && r.Status != Succeeded {
			uo.Message = r.Note
		}
		res.Units = append(res.Units, uo)
	}
	return res, nil
}

// Failed reports whether any unit did not succeed.
func (r *Result) Failed() bool {
	for _, u := range r.Units {
		if u.Status != Succeeded {
			return true
		}
	}
	return false
}

// HasChanges reports whether any unit's plan has changes.
func (r *Result) HasChanges() bool {
	for _, u := range r.Units {
		if u.HasChanges {
			return true
		}
	}
	return false
}

// Unit returns a unit's outcome, or nil.
func (r *Result) Unit(path string) *UnitOutcome {
	for i := range r.Units {
		if r.Units[i].Unit == path {
			return &r.Units[i]
		}
	}
	return nil
}

// Discard removes every plan the run kept. Commands defer it: a plan file
// may hold secrets and is never left behind.
func (r *Result) Discard() {
	if r == nil {
		return
	}
	for i := range r.Units {
		r.Units[i].Plan.Discard()
		r.Units[i].Plan = nil
	}
}

// refusePreventDestroy refuses a destroy that would reach a unit with
// prevent_destroy = true, naming every such unit and where it is set.
func (e *Engine) refusePreventDestroy(units []string) error {
	var protected []string
	for _, p := range units {
		if u := e.Unit(p); u.PreventDestroy {
			protected = append(protected, fmt.Sprintf("%s (prevent_destroy at %s)", p, diag.At(u.PreventDestroyRange)))
		}
	}
	if len(protected) == 0 {
		return nil
	}
	return fmt.Errorf("destroy refuses units that set prevent_destroy = true: %s. Leave them out of the selection (--unit), or set prevent_destroy = false first", strings.Join(protected, ", "))
}
