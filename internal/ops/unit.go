package ops

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
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
	return nil
}

// hashDeps identifies dependency outputs by value: a kept plan is current
// while the outputs it was rendered with are.
func hashDeps(deps map[string]config.DependencyOutputs) string {
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		d := deps[n]
		fmt.Fprintf(h, "%s\x00%t\x00", n, d.Unknown)
		outs := make([]string, 0, len(d.Values))
		for o := range d.Values {
			outs = append(outs, o)
		}
		sort.Strings(outs)
		for _, o := range outs {
			v, _ := d.Values[o].UnmarkDeep()
			b, err := ctyjson.Marshal(v, v.Type())
			if err != nil {
				b = []byte(v.GoString())
			}
			fmt.Fprintf(h, "%s\x00%s\x00", o, b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
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

// warnUndeclaredSensitive names every secret input the module receives in
// a variable it does not declare sensitive: terraform would print it in
// plans and errors. stackctl masks it in everything it shows, but other
// tools reading the plan would not.
func (u *Unit) warnUndeclaredSensitive(ignored []string) {
	skip := map[string]bool{}
	for _, n := range ignored {
		skip[n] = true
	}
	for _, in := range u.inputs {
		if skip[in.Name] || !in.Sensitive() || u.wd.VariableSensitive(in.Name) {
			continue
		}
		u.Warn(fmt.Sprintf("input %q (%s) carries a sensitive value, but the module's variable %q is not declared sensitive = true: terraform may print it (stackctl masks it); declare the variable sensitive", in.Name, diag.At(in.Range), in.Name))
	}
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

// warnIgnored mentions inputs set in unit.hcl that the module does not
// declare: likely typos. Root and env inputs are shared by modules that do
// not all declare them, so those stay quiet.
func (u *Unit) warnIgnored(ignored []string) {
	layer := map[string]config.Layer{}
	for _, in := range u.inputs {
		layer[in.Name] = in.Layer
	}
	for _, name := range ignored {
		switch layer[name] {
		case config.LayerUnit:
			u.Warn(fmt.Sprintf("input %q is set in unit.hcl but the module declares no variable %q; it is not passed", name, name))
		case config.LayerInclude:
			u.Warn(fmt.Sprintf("input %q is set in the unit's shared definition but the module declares no variable %q; it is not passed", name, name))
		}
	}
}

// warningWatch notices the terraform warnings that are said once per run
// in the summary instead of once per unit in the output.
type warningWatch struct {
	mu   sync.Mutex
	seen map[string]bool
	buf  []byte
}

// knownWarnings maps a terraform warning heading to what the summary says.
var knownWarnings = map[string]string{
	"Warning: Incomplete lock file information for providers": "terraform: the dependency lock file lists provider checksums for this platform only (Incomplete lock file information); run `terraform providers lock` for the other platforms you use",
}

func (w *warningWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSpace(strings.TrimLeft(string(w.buf[:i]), "│╷╵ "))
		w.buf = w.buf[i+1:]
		if msg, ok := knownWarnings[line]; ok {
			if w.seen == nil {
				w.seen = map[string]bool{}
			}
			w.seen[msg] = true
		}
	}
	return len(p), nil
}

func (w *warningWatch) found() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.seen))
	for m := range w.seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// UnitError is a unit's failure: one line for the summary, secrets masked,
// with the error it came from for errors.Is/As.
type UnitError struct {
	Message string
	Err     error
}

func (e *UnitError) Error() string { return e.Message }
func (e *UnitError) Unwrap() error { return e.Err }

// Fail turns a terraform error into the unit's failure: a lock that could
// not be acquired names its holder; an input terraform rejected points at
// the stackctl file that set it; anything else is terraform's first
// "Error:" line, secrets masked (the whole output is in the unit's log).
func (u *Unit) Fail(err error) error {
	if err == nil {
		return nil
	}
	errored := u.keepErrored()
	var ue *UnitError
	if errors.As(err, &ue) {
		return err
	}
	if _, ok := IsConfigError(err); ok {
		return err
	}
	if lerr := u.e.lockError(u.Config, err); lerr != nil {
		return &UnitError{Message: lerr.Error(), Err: err}
	}
	if d := u.inputError(err); d != nil {
		return d
	}
	var te *terraform.Error
	step := "run"
	summary := err.Error()
	if errors.As(err, &te) {
		step, summary = te.Step, te.Summary()
	}
	msg := fmt.Sprintf("terraform %s failed: %s", step, summary)
	if errors.Is(err, context.Canceled) {
		msg = fmt.Sprintf("terraform %s interrupted", step)
		if s := u.stalledMessage(); s != "" {
			msg = fmt.Sprintf("terraform %s %s; it was stopped (raise --stall-timeout if it needs longer in silence)", step, s)
		}
	}
	return &UnitError{Message: u.mask(msg) + errored, Err: err}
}

// mask masks the unit's secrets in s: those of its inputs and those its
// output writer learned from terraform's own lines.
func (u *Unit) mask(s string) string {
	if u.out != nil {
		return u.out.Mask(s)
	}
	return redact.String(s, u.secrets)
}
