package ops

// State and dependency outputs: each unit's state read once per run, and
// what a dependency without state stands in with, by operation.

import (
	"context"
	"fmt"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/state"
)

// stateRead is one unit's state read, shared by every caller that wants it
// while or after it runs.
type stateRead struct {
	done chan struct{}
	st   *state.State
	b    state.Backend
	err  error
}

// ReadState reads a unit's state. Reads for operations that do not write
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

// NoStateError is a dependency without state where real outputs are
// needed.
type NoStateError struct {
	Dependency *config.Dependency
	Unit       string // the dependency's unit path
	msg        string
}

func (e *NoStateError) Error() string { return e.msg }

// DependencyOutputs reads the outputs of every dependency of u from state.
// A dependency without state falls back to its mock_outputs (MocksAllowed,
// BestEffort) or to unknown values (BestEffort); otherwise it is a
// *NoStateError that says what to do.
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
			out[d.Name] = config.DependencyOutputs{Values: outputValues(st), From: "the state of " + dep.Path + " (" + b.Describe() + ")"}
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
		return nil, &NoStateError{Dependency: d, Unit: dep.Path, msg: msg}
	}
	return out, nil
}

// Inputs renders a unit's inputs with its dependencies' outputs.
func (e *Engine) Inputs(ctx context.Context, u *config.Unit, mode DepMode, cached bool) ([]config.Input, error) {
	inputs, _, err := e.inputsWith(ctx, u, mode, cached)
	return inputs, err
}

func (e *Engine) inputsWith(ctx context.Context, u *config.Unit, mode DepMode, cached bool) ([]config.Input, map[string]config.DependencyOutputs, error) {
	deps, err := e.DependencyOutputs(ctx, u, mode, cached)
	if err != nil {
		return nil, nil, err
	}
	inputs, diags := e.Stack.Inputs(u, deps)
	if diags.HasErrors() {
		return nil, nil, &DiagError{Diags: diags}
	}
	return inputs, deps, nil
}

// ReadStates reads the states of units (each once), telling none about
// each unit that has no state yet.
func (e *Engine) ReadStates(ctx context.Context, units []string, none func(unit, where string)) (map[string]*state.State, error) {
	out := make(map[string]*state.State, len(units))
	for _, p := range units {
		st, b, err := e.ReadState(ctx, e.Unit(p), true)
		if err != nil {
			return nil, err
		}
		if st == nil && none != nil {
			none(p, b.Describe())
		}
		out[p] = st
	}
	return out, nil
}
