package ops

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/surgery"
	"github.com/stackctl/stackctl/internal/terraform"
)

// SurgeryEnv is the engine as internal/surgery sees it: the loaded
// configuration, the units' stores, and verification plans that run with
// the engine's own plan step (kept plans, read as JSON).
type SurgeryEnv struct {
	e   *Engine
	run RunOptions
}

var _ surgery.Env = (*SurgeryEnv)(nil)

// NewSurgeryEnv wraps e; run says how verification plans run (parallelism
// and the progress view).
func NewSurgeryEnv(e *Engine, run RunOptions) *SurgeryEnv { return &SurgeryEnv{e: e, run: run} }

// Stack is the configuration as loaded.
func (s *SurgeryEnv) Stack() *config.Stack { return s.e.Stack }

// Selected lists the selected units in order, and whether that is all.
func (s *SurgeryEnv) Selected() ([]string, bool) {
	return s.e.Ordered(), len(s.e.Selected) == len(s.e.Stack.Units)
}

// Dependents lists the units that depend on unit directly.
func (s *SurgeryEnv) Dependents(unit string) []string { return s.e.Graph.Dependents(unit) }

// storeOpener is a StateOpener that opens stores for writing
// (backend.Opener).
type storeOpener interface {
	OpenStore(ctx context.Context, u *config.Unit) (state.Store, *state.Backups, error)
}

// OpenStore opens a unit's state for writing.
func (s *SurgeryEnv) OpenStore(ctx context.Context, u *config.Unit) (state.Store, *state.Backups, error) {
	return s.e.OpenStore(ctx, u)
}

// OpenStore opens a unit's state for writing, with its backups, through
// the engine's opener: one backend per local state file in the process,
// so that reading a state this process holds locked goes through the
// locked descriptor (closing another would end the fcntl lock).
func (e *Engine) OpenStore(ctx context.Context, u *config.Unit) (state.Store, *state.Backups, error) {
	so, ok := e.States.(storeOpener)
	if !ok {
		return nil, nil, errors.New("this engine cannot write state")
	}
	return so.OpenStore(ctx, u)
}

// Reload loads the environment again with the same options (after a
// surgery changed files), sharing this engine's state opener.
func (e *Engine) Reload() (*Engine, error) {
	n, err := Load(e.opts)
	if err != nil {
		return nil, err
	}
	n.States = e.States
	return n, nil
}

// Verify reloads the configuration and plans the units with -lock=false:
// the surgery holds their locks, and terraform would otherwise wait for
// them. The plans' JSON comes back by unit; the plan files are removed.
func (s *SurgeryEnv) Verify(ctx context.Context, units []string) (map[string]*tfjson.Plan, error) {
	n, err := s.e.Reload()
	if err != nil {
		return nil, fmt.Errorf("loading the configuration after the change: %w", err)
	}
	sel := map[string]bool{}
	for _, u := range units {
		if n.Stack.Unit(u) == nil {
			return nil, fmt.Errorf("after the change, the configuration has no unit %s", u)
		}
		sel[u] = true
	}
	o := s.run
	o.Selected = sel
	res, err := n.Run(ctx, VerifyPlan, o)
	if err != nil {
		return nil, err
	}
	defer res.Discard()
	out := map[string]*tfjson.Plan{}
	for _, u := range res.Units {
		if u.Status != Succeeded {
			msg := u.Message
			if u.Err != nil {
				msg = u.Err.Error()
			}
			return nil, fmt.Errorf("the plan of %s failed: %s", u.Unit, msg)
		}
		if u.Plan == nil || u.Plan.JSON == nil {
			return nil, fmt.Errorf("the plan of %s was not kept", u.Unit)
		}
		out[u.Unit] = u.Plan.JSON
	}
	return out, nil
}

// VerifyPlan plans each unit for a state surgery's verification: inputs
// from fresh state, the plan kept and read as JSON, and no state lock
// taken (the surgery holds it).
var VerifyPlan = Operation{
	Name: "verify", Deps: MocksAllowed, Order: Independent, Writes: true, Backend: true,
	Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		p, err := u.Plan(ctx, terraform.PlanOptions{JSON: true, Extra: []tfexec.PlanOption{tfexec.Lock(false)}})
		if err != nil {
			return UnitResult{}, err
		}
		return u.Planned(p, true), nil
	},
}

// SetRun sets how the verification plans run: parallelism and the
// progress observer, which the command creates once it has asked.
func (s *SurgeryEnv) SetRun(o RunOptions) { s.run = o }
