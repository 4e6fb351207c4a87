package ops

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/glob"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/parity"
)

// LoadOther loads another environment of e's repository with e's loader
// and options: the files both read (stackctl.hcl) are parsed once, the
// root settings are evaluated once, and diagnostics of either environment
// print with their snippets.
func (e *Engine) LoadOther(env string) (*Engine, error) {
	o := e.opts
	o.Env = env
	return load(e.Loader, e.roles, o)
}

// DiffEnvOptions say what diff-env compares.
type DiffEnvOptions struct {
	// Units are --unit patterns. A unit is compared when a pattern
	// matches it in either environment: a unit one environment lacks is
	// what diff-env is there to show.
	Units []string
	// State adds what each environment's state holds, read through the
	// units' backends. Without it nothing outside the repository is read.
	State bool
	// NoState hears of each compared unit that has no state yet.
	NoState func(env, unit, where string)
}

// DiffEnv compares environment a with environment b (both loaded with
// SSM standing in by parity.OfflineSSM, so that nothing reaches the
// cloud): both are rendered without state, dependency outputs as
// references, and compared with the parity block of stackctl.hcl.
// Configuration errors are a *DiagError; warnings are returned apart.
func DiffEnv(ctx context.Context, a, b *Engine, o DiffEnvOptions) (*parity.Result, hcl.Diagnostics, error) {
	var warnings hcl.Diagnostics
	envs := make([]*parity.Env, 2)
	for i, e := range []*Engine{a, b} {
		env, diags := parity.FromStack(e.Stack, parity.RenderOptions{ModuleVariables: e.declaredVariables})
		if diags.HasErrors() {
			return nil, nil, &DiagError{Diags: diags}
		}
		warnings = append(warnings, diags...)
		envs[i] = env
	}
	if err := selectUnits(o.Units, envs[0], envs[1]); err != nil {
		return nil, warnings, err
	}
	opts := parity.Options{Parity: a.Stack.Root.Parity}
	if o.State {
		both := map[string]bool{}
		for _, u := range envs[1].Units {
			both[u.Path] = true
		}
		var common []string
		for _, u := range envs[0].Units {
			if both[u.Path] {
				common = append(common, u.Path)
			}
		}
		var err error
		if opts.StateA, err = a.stateResources(ctx, common, o.NoState); err != nil {
			return nil, warnings, err
		}
		if opts.StateB, err = b.stateResources(ctx, common, o.NoState); err != nil {
			return nil, warnings, err
		}
	}
	return parity.Compare(envs[0], envs[1], opts), warnings, nil
}

// selectUnits keeps the units a pattern matches in either environment,
// and refuses a pattern that matches none in both.
func selectUnits(patterns []string, a, b *parity.Env) error {
	if len(patterns) == 0 {
		return nil
	}
	keep := map[string]bool{}
	for _, p := range patterns {
		p = strings.Trim(path.Clean(strings.TrimSpace(p)), "/")
		if err := glob.Valid(p); err != nil {
			return fmt.Errorf("invalid --unit pattern %q: %v", p, err)
		}
		matched := false
		for _, env := range []*parity.Env{a, b} {
			for _, u := range env.Units {
				if graph.Match(p, u.Path) {
					keep[u.Path], matched = true, true
				}
			}
		}
		if !matched {
			return fmt.Errorf("no unit matches %q in %s or %s; units: %s", p, a.Name, b.Name, strings.Join(unitPaths(a, b), ", "))
		}
	}
	for _, env := range []*parity.Env{a, b} {
		var units []*parity.Unit
		for _, u := range env.Units {
			if keep[u.Path] {
				units = append(units, u)
			}
		}
		env.Units = units
	}
	return nil
}

func unitPaths(a, b *parity.Env) []string {
	seen := map[string]bool{}
	var out []string
	for _, env := range []*parity.Env{a, b} {
		for _, u := range env.Units {
			if !seen[u.Path] {
				seen[u.Path] = true
				out = append(out, u.Path)
			}
		}
	}
	return out
}

// stateResources reads the states of units (reachability checked first,
// so that a missing bucket is one message) as diff-env compares them.
func (e *Engine) stateResources(ctx context.Context, units []string, none func(env, unit, where string)) (parity.StateResources, error) {
	cfgs := make([]*config.Unit, 0, len(units))
	for _, p := range units {
		cfgs = append(cfgs, e.Unit(p))
	}
	if c, ok := e.States.(stateChecker); ok {
		if err := c.Check(ctx, cfgs); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Env(), err)
		}
	}
	out := parity.StateResources{}
	for _, u := range cfgs {
		st, b, err := e.ReadState(ctx, u, true)
		if err != nil {
			return nil, err
		}
		if st.Empty() && none != nil {
			none(e.Env(), u.Path, e.describeState(u, b))
		}
		out[u.Path] = parity.Resources(st)
	}
	return out, nil
}
