// Package ops is what stackctl does for one unit: read its dependencies'
// outputs from state, render its inputs, prepare its working folder and run
// the terraform steps of a command. The runner calls these jobs across the
// graph.
package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/terraform"
)

// Command is a terraform command run across units.
type Command string

// Commands the engine runs.
const (
	Init     Command = "init"
	Validate Command = "validate"
	Plan     Command = "plan"
	Apply    Command = "apply"
	Destroy  Command = "destroy"
)

// Writes reports whether the command changes state, so that dependency
// state must be read fresh rather than from this run's cache.
func (c Command) Writes() bool { return c == Apply || c == Destroy }

// StateOpener opens a unit's state backend.
type StateOpener interface {
	Open(ctx context.Context, b config.Backend) (state.Backend, error)
}

// Engine holds what every unit job of one invocation shares.
type Engine struct {
	Stack   *config.Stack
	Session *terraform.Session
	States  StateOpener
	// LockTimeout is passed to terraform (-lock-timeout) when set.
	LockTimeout string
	PassThrough *terraform.PassThrough
	// FormatDiags renders configuration diagnostics with file:line:col and
	// the source snippet.
	FormatDiags func(hcl.Diagnostics) string

	mu       sync.Mutex
	reads    map[string]*stateRead // unit path → its state, read once
	declared sync.Map              // module folder → its variables, for Render
}

// stateRead is one unit's state read, shared by every caller that wants it
// while or after it runs.
type stateRead struct {
	done chan struct{}
	st   *state.State
	b    state.Backend
	err  error
}

// DepMode says what may stand in for a dependency's outputs when it has no
// state.
type DepMode int

// Dependency modes.
const (
	// StateOnly: apply and destroy need real outputs.
	StateOnly DepMode = iota
	// MocksAllowed: plan may use mock_outputs.
	MocksAllowed
	// BestEffort: render, validate and init show what cannot be known yet,
	// including unreadable state (no credentials, unreachable endpoint),
	// as unknown, with the reason, rather than fail: it is how people
	// inspect configuration from anywhere.
	BestEffort
)

func modeFor(c Command) DepMode {
	switch c {
	case Plan:
		return MocksAllowed
	case Validate, Init:
		// Neither reads variables: a dependency whose state cannot be read
		// (no bucket yet, no credentials in a CI lint job) is just unknown.
		return BestEffort
	default:
		return StateOnly
	}
}

// ReadState reads a unit's state. Reads for commands that do not write
// state are cached for the invocation: several dependents read one
// dependency, often at the same moment, and all of them wait for one read.
// A failed read is kept too (a missing bucket or absent credentials will
// not mend within the run), unless it failed because ctx ended.
func (e *Engine) ReadState(ctx context.Context, u *config.Unit, cached bool) (*state.State, state.Backend, error) {
	if !cached {
		return e.readState(ctx, u)
	}
	e.mu.Lock()
	r, shared := e.reads[u.Path]
	if !shared {
		r = &stateRead{done: make(chan struct{})}
		if e.reads == nil {
			e.reads = map[string]*stateRead{}
		}
		e.reads[u.Path] = r
	}
	e.mu.Unlock()
	if shared {
		select {
		case <-r.done:
			return r.st, r.b, r.err
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	// Should the read panic, the waiters still wake up, with this error.
	r.err = fmt.Errorf("reading the state of %s failed", u.Path)
	defer close(r.done)
	r.st, r.b, r.err = e.readState(ctx, u)
	if r.err != nil && ctx.Err() != nil {
		e.mu.Lock()
		delete(e.reads, u.Path)
		e.mu.Unlock()
	}
	return r.st, r.b, r.err
}

func (e *Engine) readState(ctx context.Context, u *config.Unit) (*state.State, state.Backend, error) {
	b, err := e.States.Open(ctx, u.Backend)
	if err != nil {
		return nil, nil, err
	}
	st, err := b.Read(ctx)
	if err != nil {
		return nil, b, fmt.Errorf("reading the state of %s (%s): %w", u.Path, b.Describe(), err)
	}
	return st, b, nil
}

// DependencyOutputs reads the outputs of every dependency of u from state.
// A dependency without state falls back to its mock_outputs (MocksAllowed,
// BestEffort) or to unknown values (BestEffort); otherwise it is an error
// that says what to do.
func (e *Engine) DependencyOutputs(ctx context.Context, u *config.Unit, mode DepMode, cached bool) (map[string]config.DependencyOutputs, error) {
	out := make(map[string]config.DependencyOutputs, len(u.Dependencies))
	for _, d := range u.Dependencies {
		dep := e.Stack.Unit(d.Path)
		st, b, err := e.ReadState(ctx, dep, cached)
		if err != nil {
			if mode == BestEffort {
				out[d.Name] = config.DependencyOutputs{Unknown: true, From: "unreadable state", Err: err}
				continue
			}
			return nil, err
		}
		if !st.Empty() {
			vals := make(map[string]cty.Value, len(st.Outputs))
			for name, o := range st.Outputs {
				v := o.Value
				if o.Sensitive {
					v = v.Mark(config.Sensitive)
				}
				vals[name] = v
			}
			out[d.Name] = config.DependencyOutputs{Values: vals, From: "the state of " + dep.Path + " (" + b.Describe() + ")"}
			continue
		}
		if mode != StateOnly {
			if mock, ok := config.MockOutputs(d); ok {
				out[d.Name] = mock
				continue
			}
		}
		if mode == BestEffort {
			out[d.Name] = config.DependencyOutputs{Unknown: true, From: "no state yet"}
			continue
		}
		msg := fmt.Sprintf("dependency %q (unit %s, declared at %s) has no state yet (%s): apply %s first", d.Name, dep.Path, diag.At(d.Range), b.Describe(), dep.Path)
		if mode == MocksAllowed {
			msg += ", or give the dependency block mock_outputs so that it can be planned before " + dep.Path + " exists"
		}
		return nil, errors.New(msg)
	}
	return out, nil
}

// Inputs renders a unit's inputs with its dependencies' outputs.
func (e *Engine) Inputs(ctx context.Context, u *config.Unit, mode DepMode, cached bool) ([]config.Input, error) {
	deps, err := e.DependencyOutputs(ctx, u, mode, cached)
	if err != nil {
		return nil, err
	}
	inputs, diags := e.Stack.Inputs(u, deps)
	if diags.HasErrors() {
		return nil, diagError{text: e.FormatDiags(diags)}
	}
	return inputs, nil
}

// diagError carries configuration diagnostics already formatted with their
// snippets.
type diagError struct{ text string }

func (d diagError) Error() string { return strings.TrimRight(d.text, "\n") }

// Job returns the runner job for a command.
func (e *Engine) Job(cmd Command) runner.Job {
	return func(ctx context.Context, path string, uio runner.UnitIO) (runner.Outcome, error) {
		return e.run(ctx, cmd, e.Stack.Unit(path), uio)
	}
}

// job is one unit's run: its working folder and the output writer that
// masks the unit's secret inputs.
type job struct {
	e       *Engine
	u       *config.Unit
	wd      *terraform.Workdir
	out     *redact.Writer
	secrets []string
}

// fail shortens a terraform error to its first "Error:" line (the whole
// output is in the unit's log), with secrets masked; a lock that could not
// be acquired names its holder instead.
func (j *job) fail(ctx context.Context, step string, err error) error {
	if lerr := j.e.lockError(j.u, err); lerr != nil {
		return lerr
	}
	return errors.New(redact.String(tfFailure(ctx, step, err).Error(), j.secrets))
}

func (e *Engine) prepare(ctx context.Context, cmd Command, u *config.Unit, uio runner.UnitIO) (*job, error) {
	uio.Step("render")
	inputs, err := e.Inputs(ctx, u, modeFor(cmd), !cmd.Writes())
	if err != nil {
		return nil, err
	}
	j := &job{e: e, u: u}
	for _, in := range inputs {
		if in.Sensitive() {
			j.secrets = append(j.secrets, redact.Secrets(in.Value)...)
		}
	}
	j.out = redact.NewWriter(uio.Output(), j.secrets)
	out := j.out
	wd, err := e.Session.Prepare(ctx, e.Stack.Env.Name, u, out)
	if err != nil {
		return nil, err
	}
	j.wd = wd
	vals := make(map[string]cty.Value, len(inputs))
	known := true
	for _, in := range inputs {
		vals[in.Name] = in.Value
		if !in.Value.IsWhollyKnown() {
			known = false
		}
	}
	// validate and init do not read variables, so inputs that cannot be
	// known yet are fine there; every other command writes them.
	if known || (cmd != Validate && cmd != Init) {
		ignored, err := wd.WriteInputs(vals)
		if err != nil {
			return nil, err
		}
		warnIgnored(out, inputs, ignored)
	}
	return j, nil
}

// warnIgnored mentions inputs set in unit.hcl that the module does not
// declare: likely typos. Root and env inputs are shared by modules that do
// not all declare them, so those stay quiet.
func warnIgnored(out io.Writer, inputs []config.Input, ignored []string) {
	layer := map[string]config.Layer{}
	for _, in := range inputs {
		layer[in.Name] = in.Layer
	}
	for _, name := range ignored {
		if layer[name] == config.LayerUnit {
			fmt.Fprintf(out, "stackctl: warning: input %q is set in unit.hcl but the module declares no variable %q; it is not passed\n", name, name)
		}
	}
}

func (e *Engine) run(ctx context.Context, cmd Command, u *config.Unit, uio runner.UnitIO) (runner.Outcome, error) {
	if cmd == Destroy {
		uio.Step("read state")
		st, _, err := e.ReadState(ctx, u, false)
		if err != nil {
			return runner.Outcome{}, err
		}
		if st.Empty() {
			// Nothing to destroy, and no terraform needed to learn that.
			return runner.Outcome{Changes: &runner.Changes{}, Note: "no state: nothing to destroy"}, nil
		}
	}
	j, err := e.prepare(ctx, cmd, u, uio)
	if err != nil {
		return runner.Outcome{}, err
	}
	defer j.out.Flush()
	wd := j.wd
	backend := cmd != Validate
	if cmd == Init || wd.NeedsInit(backend) {
		uio.Step("init")
		if err := wd.Init(ctx, backend); err != nil {
			return runner.Outcome{}, j.fail(ctx, "init", err)
		}
	}
	switch cmd {
	case Init:
		return runner.Outcome{Note: "initialized"}, nil
	case Validate:
		uio.Step("validate")
		if err := wd.Validate(ctx, j.out); err != nil {
			return runner.Outcome{}, j.fail(ctx, "validate", err)
		}
		return runner.Outcome{Note: "valid"}, nil
	}
	uio.Step("plan")
	plan, err := wd.Plan(ctx, e.planOptions(cmd == Destroy))
	defer plan.Discard()
	if err != nil {
		return runner.Outcome{}, j.fail(ctx, "plan", err)
	}
	out := outcome(plan)
	if cmd == Plan || !plan.HasChanges {
		return out, nil
	}
	// apply and destroy apply exactly the plan just made.
	step := string(cmd)
	uio.Step(step)
	if err := wd.Apply(ctx, plan, e.applyOptions()); err != nil {
		return out, j.fail(ctx, step, err)
	}
	return out, nil
}

func (e *Engine) planOptions(destroy bool) terraform.PlanOptions {
	o := terraform.PlanOptions{Destroy: destroy, LockTimeout: e.LockTimeout}
	if e.PassThrough != nil {
		o.Extra = e.PassThrough.Plan
	}
	return o
}

func (e *Engine) applyOptions() terraform.ApplyOptions {
	o := terraform.ApplyOptions{LockTimeout: e.LockTimeout}
	if e.PassThrough != nil {
		o.Extra = e.PassThrough.Apply
	}
	return o
}

func outcome(p *terraform.Plan) runner.Outcome {
	c := p.Changes
	out := runner.Outcome{HasChanges: p.HasChanges, Changes: &runner.Changes{Add: c.Add, Change: c.Change, Destroy: c.Destroy, Import: c.Import}}
	switch {
	case !p.HasChanges:
		out.Note = "no changes"
	case c.Add+c.Change+c.Destroy+c.Import == 0 && c.Outputs:
		out.Note = "outputs change"
	}
	return out
}

func tfFailure(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("terraform %s interrupted", step)
	}
	msg := err.Error()
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(line, "│╷╵ "))
		if strings.HasPrefix(line, "Error: ") {
			return fmt.Errorf("terraform %s failed: %s", step, strings.TrimPrefix(line, "Error: "))
		}
	}
	first, _, _ := strings.Cut(msg, "\n")
	return fmt.Errorf("terraform %s failed: %s", step, first)
}
