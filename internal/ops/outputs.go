package ops

import (
	"context"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/state"
)

// Outputs reads the states of units for the output command, telling none
// about each unit that has no state yet. A value known to be sensitive
// stays masked where it reappears: an output the module does not declare
// sensitive but that carries a secret the unit received (a sensitive
// dependency output, a SecureString) is returned as sensitive.
func (e *Engine) Outputs(ctx context.Context, units []string, none func(unit, where string)) (map[string]*state.State, error) {
	states, err := e.ReadStates(ctx, units, none)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*state.State, len(states))
	for p, st := range states {
		if st == nil {
			out[p] = nil
			continue
		}
		secrets := e.knownSecrets(ctx, p)
		var copied *state.State
		for name, o := range st.Outputs {
			if o.Sensitive || !carries(o.Value, secrets) {
				continue
			}
			if copied == nil {
				// The read is shared: never change it in place.
				c := *st
				c.Outputs = make(map[string]state.Output, len(st.Outputs))
				for k, v := range st.Outputs {
					c.Outputs[k] = v
				}
				copied = &c
			}
			o.Sensitive = true
			copied.Outputs[name] = o
		}
		if copied != nil {
			st = copied
		}
		out[p] = st
	}
	return out, nil
}

// knownSecrets are the secret strings a unit received: its dependencies'
// sensitive outputs, and its inputs that are sensitive (SecureStrings,
// sensitive()), as far as they can be rendered.
func (e *Engine) knownSecrets(ctx context.Context, unit string) []string {
	u := e.Unit(unit)
	var secrets []string
	for _, d := range u.Dependencies {
		st, _, err := e.ReadState(ctx, e.Unit(d.Path), true)
		if err != nil || st == nil {
			continue
		}
		for _, o := range st.Outputs {
			if o.Sensitive {
				secrets = append(secrets, redact.Secrets(o.Value)...)
			}
		}
	}
	if inputs, err := e.Inputs(ctx, u, BestEffort, true); err == nil {
		for _, in := range inputs {
			if in.Sensitive() {
				secrets = append(secrets, redact.Secrets(in.Value)...)
			}
		}
	}
	return secrets
}

// carries reports whether any string in v holds one of secrets.
func carries(v cty.Value, secrets []string) bool {
	if len(secrets) == 0 {
		return false
	}
	found := false
	_ = cty.Walk(v, func(_ cty.Path, leaf cty.Value) (bool, error) {
		leaf, _ = leaf.Unmark()
		if found || !leaf.IsKnown() || leaf.IsNull() || leaf.Type() != cty.String {
			return !found, nil
		}
		for _, s := range secrets {
			if strings.Contains(leaf.AsString(), s) {
				found = true
			}
		}
		return !found, nil
	})
	return found
}
