package ops

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
	"github.com/stackctl/stackctl/internal/terraform"
)

// Unit is one unit's work in progress, handed to an operation's steps: the
// pieces every operation needs, written once.
type Unit struct {
	Config *config.Unit

	e  *Engine
	op *Operation
	io runner.UnitIO

	inputs  []config.Input
	deps    map[string]config.DependencyOutputs
	depHash string
	depUses []DependencyUse
	mocked  []string
	secrets []string
	out     *redact.Writer
	wd      *terraform.Workdir

	initRan bool
	stalled string

	mu       sync.Mutex
	plans    []*terraform.Plan
	warnings []string
}

// Path is the unit's path in the environment.
func (u *Unit) Path() string { return u.Config.Path }

// Engine is the engine running the unit.
func (u *Unit) Engine() *Engine { return u.e }

// Step names what the unit does now, for progress views.
func (u *Unit) Step(name string) { u.io.Step(name) }

// Output is where the unit's terraform output goes, with its secrets
// masked; before Prepare it is the unmasked log.
func (u *Unit) Output() io.Writer {
	if u.out != nil {
		return u.out
	}
	return u.io.Output()
}

// Warn records a warning: written to the unit's output now and repeated
// in the summary.
func (u *Unit) Warn(msg string) {
	fmt.Fprintf(u.Output(), "stackctl: warning: %s\n", msg)
	u.mu.Lock()
	u.warnings = append(u.warnings, msg)
	u.mu.Unlock()
}

// State reads the unit's own state, fresh.
func (u *Unit) State(ctx context.Context) (*state.State, state.Backend, error) {
	u.Step("read state")
	return u.e.ReadState(ctx, u.Config, false)
}

// Inputs are the unit's rendered inputs (after Render or Prepare).
func (u *Unit) Inputs() []config.Input { return u.inputs }

// DepHash identifies the dependency outputs the inputs were rendered with.
func (u *Unit) DepHash() string { return u.depHash }

// Render evaluates the unit's inputs with its dependencies' outputs, as
// the operation's DepMode allows.
func (u *Unit) Render(ctx context.Context) error {
	u.Step("render")
	inputs, deps, err := u.e.inputsWith(ctx, u.Config, u.op.Deps, !u.op.Writes)
	if err != nil {
		return err
	}
	u.inputs, u.deps = inputs, deps
	u.depHash = hashDeps(deps)
	u.depUses = dependencyUses(u.Config, deps)
	u.mocked = nil
	for _, d := range u.Config.Dependencies {
		if deps[d.Name].From == "mock_outputs" {
			u.mocked = append(u.mocked, d.Path)
		}
	}
	u.secrets = nil
	for _, in := range inputs {
		if in.Sensitive() {
			u.secrets = append(u.secrets, redact.Secrets(in.Value)...)
		}
	}
	if u.out != nil {
		_ = u.out.Flush()
	}
	u.out = redact.NewWriter(u.io.Output(), u.secrets)
	for _, d := range u.Config.Dependencies {
		if derr := deps[d.Name].Err; derr != nil {
			// BestEffort went on without the outputs: say so, or validate
			// would pass on inputs it never saw.
			u.Warn(fmt.Sprintf("showing the outputs of %s as unknown: %v", d.Path, derr))
		}
	}
	return nil
}

// Prepare renders the inputs, builds the working folder, writes the
// inputs the module declares and runs init when something it depends on
// changed.
func (u *Unit) Prepare(ctx context.Context) error {
	if err := u.Render(ctx); err != nil {
		return err
	}
	return u.Setup(ctx)
}

// PrepareFolder is Prepare without the inputs, for operations that read
// no variables and need no cloud (providers lock): ssm_parameter() and
// dependency state are not read.
func (u *Unit) PrepareFolder(ctx context.Context) error {
	u.out = redact.NewWriter(u.io.Output(), nil)
	return u.Setup(ctx)
}

// Setup is Prepare after Render: the working folder, the inputs file and
// init when needed.
func (u *Unit) Setup(ctx context.Context) error {
	eu, err := u.e.early.claim(ctx, u.Path())
	if err != nil {
		return err
	}
	if eu != nil {
		// Prepared ahead of time: its output belongs in this unit's log.
		_, _ = u.io.Output().Write(eu.out.Bytes())
		if eu.err != nil {
			return eu.err
		}
		u.wd, u.initRan = eu.wd, eu.initRan
		u.mu.Lock()
		u.warnings = append(u.warnings, eu.warnings...)
		u.mu.Unlock()
		u.wd.SetOutput(u.out)
	} else if err := u.setupFolder(ctx, u.out); err != nil {
		return err
	}
	wd := u.wd
	vals := make(map[string]cty.Value, len(u.inputs))
	known := true
	for _, in := range u.inputs {
		vals[in.Name] = in.Value
		if !in.Value.IsWhollyKnown() {
			known = false
		}
	}
	// Operations that do not read variables (validate, init) accept
	// inputs that cannot be known yet; every other one writes them.
	if known || u.op.Deps != BestEffort {
		ignored, err := wd.WriteInputs(vals)
		if err != nil {
			return err
		}
		u.warnIgnored(ignored)
		u.warnUndeclaredSensitive(ignored)
	}
	return nil
}

// setupFolder builds the working folder and runs init when something it
// depends on changed; neither needs the unit's inputs.
func (u *Unit) setupFolder(ctx context.Context, out io.Writer) error {
	if b := u.Config.Backend; b.Type == config.BackendLocal && u.op.Backend {
		if err := local.MakePrivate(b.String("path")); err != nil {
			return fmt.Errorf("local state of %s: %w", u.Path(), err)
		}
	}
	tf, err := u.e.Terraform(ctx)
	if err != nil {
		return err
	}
	wd, err := tf.Prepare(ctx, u.e.Env(), u.Config, out)
	if err != nil {
		return err
	}
	u.wd = wd
	if wd.NeedsInit(u.op.Backend) {
		u.Step("init")
		if err := u.init(ctx, wd); err != nil {
			return err
		}
	}
	return nil
}

// Init runs terraform init unconditionally (the init command).
func (u *Unit) Init(ctx context.Context) error {
	u.Step("init")
	return u.init(ctx, u.wd)
}

func (u *Unit) init(ctx context.Context, wd *terraform.Workdir) error {
	u.initRan = true
	watch := &warningWatch{}
	out := u.Output()
	wd.SetOutput(io.MultiWriter(out, watch))
	defer wd.SetOutput(out)
	if err := u.hooked(ctx, "init", func() error {
		return u.retry(ctx, "init", func() error { return wd.Init(ctx, u.op.Backend) })
	}); err != nil {
		return u.Fail(err)
	}
	if wd.LockChanged() {
		u.Warn(LockWritten)
	}
	for _, w := range watch.found() {
		u.mu.Lock()
		u.warnings = append(u.warnings, w)
		u.mu.Unlock()
	}
	return nil
}

// Workdir is the unit's working folder (after Prepare).
func (u *Unit) Workdir() *terraform.Workdir { return u.wd }

// PlanOptions are the engine's plan settings (lock timeout, arguments
// after "--") with o's own.
func (u *Unit) planOptions(o terraform.PlanOptions) terraform.PlanOptions {
	if o.LockTimeout == "" {
		o.LockTimeout = u.e.opts.LockTimeout
	}
	if p := u.e.opts.PassThrough; p != nil {
		o.Extra = append(slices.Clip(p.Plan), o.Extra...)
	}
	return o
}

// Plan plans the unit. The plan is kept (UnitResult.Plan) or discarded by
// the caller; a plan that failed is removed at once.
func (u *Unit) Plan(ctx context.Context, o terraform.PlanOptions) (*terraform.Plan, error) {
	u.Step("plan")
	var p *terraform.Plan
	err := u.hooked(ctx, "plan", func() error {
		return u.retry(ctx, "plan", func() error {
			return u.lockWait(ctx, func(lt string) error {
				var err error
				p.Discard()
				oo := u.planOptions(o)
				oo.LockTimeout = lt
				p, err = u.wd.Plan(ctx, oo)
				return err
			})
		})
	})
	if err != nil {
		p.Discard()
		return nil, u.Fail(err)
	}
	u.mu.Lock()
	u.plans = append(u.plans, p)
	u.mu.Unlock()
	return p, nil
}

// Apply applies exactly the saved plan p.
func (u *Unit) Apply(ctx context.Context, p *terraform.Plan) error {
	step := "apply"
	if p.Destroy {
		step = "destroy"
	}
	u.Step(step)
	o := terraform.ApplyOptions{}
	if pt := u.e.opts.PassThrough; pt != nil {
		o.Extra = pt.Apply
	}
	err := u.hooked(ctx, step, func() error {
		return u.lockWait(ctx, func(lt string) error {
			o.LockTimeout = lt
			return u.wd.Apply(ctx, p, o)
		})
	})
	return u.Fail(err)
}

// ApplyAuto plans and applies (or destroys) in one terraform process, for
// runs no one reviews.
func (u *Unit) ApplyAuto(ctx context.Context, destroy bool) (UnitResult, error) {
	step := "apply"
	if destroy {
		step = "destroy"
	}
	u.Step(step)
	o := terraform.AutoApplyOptions{Destroy: destroy}
	if pt := u.e.opts.PassThrough; pt != nil {
		o.Extra = pt.Auto
	}
	var a *terraform.Applied
	err := u.hooked(ctx, step, func() error {
		return u.retry(ctx, step, func() error {
			return u.lockWait(ctx, func(lt string) error {
				var err error
				o.LockTimeout = lt
				a, err = u.wd.ApplyAuto(ctx, o)
				return err
			})
		})
	})
	if err != nil {
		return UnitResult{}, u.Fail(err)
	}
	c := a.Changes
	r := UnitResult{Changes: &c, HasChanges: a.HasChanges, DepHash: u.depHash}
	if !a.HasChanges {
		r.Message = "no changes"
	}
	return r, nil
}

// Validate runs terraform validate.
func (u *Unit) Validate(ctx context.Context) error {
	u.Step("validate")
	if err := u.hooked(ctx, "validate", func() error { return u.wd.Validate(ctx, u.out) }); err != nil {
		return u.Fail(err)
	}
	return nil
}

// Planned is the result of a plan: counted, with the dependency outputs
// it used; the plan is kept when keep is set and discarded otherwise.
func (u *Unit) Planned(p *terraform.Plan, keep bool) UnitResult {
	c := p.Changes
	r := UnitResult{HasChanges: p.HasChanges, Changes: &c, DepHash: u.depHash, Mocked: u.mocked,
		Dependencies: u.depUses, Resources: terraform.ResourceActions(p.JSON)}
	switch {
	case !p.HasChanges:
		r.Message = "no changes"
	case !c.Any() && c.Outputs:
		r.Message = "outputs change"
	}
	if len(u.mocked) > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("planned with the mock_outputs of %s (no state yet): this plan can be reviewed, not applied", strings.Join(u.mocked, ", ")))
	}
	if keep {
		r.Plan = p
		u.mu.Lock()
		u.plans = slices.DeleteFunc(u.plans, func(x *terraform.Plan) bool { return x == p })
		u.mu.Unlock()
	}
	u.discardPlans()
	return r
}

// discardPlans removes the plans the unit made and handed to nobody.
func (u *Unit) discardPlans() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range u.plans {
		p.Discard()
	}
	u.plans = nil
}
