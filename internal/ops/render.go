package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/terraform"
)

type RenderedUnit struct {
	Path         string                   `json:"path"`
	File         string                   `json:"file"`
	Source       RenderedSource           `json:"source"`
	Backend      RenderedBackend          `json:"backend"`
	Dependencies []RenderedDep            `json:"dependencies"`
	Inputs       map[string]RenderedInput `json:"inputs"`
	// Reasons say why --changed-since selected the unit.
	Reasons []string `json:"reasons,omitempty"`
	// InputOrder lists Inputs by name.
	InputOrder []string `json:"-"`
	// BackendConfig is Backend.Config as values, secrets masked.
	BackendConfig map[string]cty.Value `json:"-"`
}

type RenderedSource struct {
	Raw    string `json:"raw,omitempty"`
	Kind   string `json:"kind"` // local, remote, none
	Path   string `json:"path,omitempty"`
	Subdir string `json:"subdir,omitempty"`
}

type RenderedBackend struct {
	Type   string          `json:"type"`
	State  string          `json:"state"`
	Config json.RawMessage `json:"config"`
}

type RenderedDep struct {
	Name string `json:"name"`
	Path string `json:"path"`
	From string `json:"outputs_from"`
}

type RenderedInput struct {
	Value     json.RawMessage `json:"value"`
	Sensitive bool            `json:"sensitive,omitempty"`
	Unknown   bool            `json:"unknown,omitempty"`
	Layer     string          `json:"layer"`
	File      string          `json:"file"`
	Line      int             `json:"line"`
	Column    int             `json:"column"`
	Overrides []string        `json:"overrides,omitempty"`
	// Passed is false for an input the module declares no variable for:
	// it is left out of the tfvars file. Unknown for remote sources.
	Passed *bool `json:"passed,omitempty"`
	// Text is the value as HCL, or what stands in for it.
	Text string `json:"-"`
	// Val is the value to print, secrets and unknowns replaced.
	Val cty.Value `json:"-"`
}

// Render describes a unit as it would run: source, backend, dependencies
// and inputs with where each came from. Dependency outputs come from state
// when it can be read, else mock_outputs, else they are unknown; warn
// receives why a state could not be read. Secrets are masked.
func (e *Engine) Render(ctx context.Context, u *config.Unit, warn func(string)) (RenderedUnit, error) {
	st := e.Stack
	ru := RenderedUnit{Path: u.Path, File: st.Display(u.File), Inputs: map[string]RenderedInput{}, Dependencies: []RenderedDep{}}
	switch {
	case u.Source.None:
		ru.Source = RenderedSource{Kind: "none", Path: st.Display(u.Dir)}
	case u.Source.Local:
		ru.Source = RenderedSource{Raw: u.Source.Raw, Kind: "local", Path: st.Display(u.Source.Dir), Subdir: u.Source.Subdir}
	default:
		ru.Source = RenderedSource{Raw: u.Source.Raw, Kind: "remote"}
	}
	cfg := map[string]cty.Value{}
	for k, v := range u.Backend.Config {
		if config.IsSensitive(v) {
			v = cty.StringVal(redact.Mask)
		}
		cfg[k] = v
	}
	cfgJSON, err := ctyjson.Marshal(cty.ObjectVal(cfg), cty.ObjectVal(cfg).Type())
	if err != nil {
		return ru, err
	}
	state := u.Backend.StateKey()
	if u.Backend.Type == config.BackendLocal {
		state = st.Display(state)
	}
	ru.Backend = RenderedBackend{Type: u.Backend.Type, State: state, Config: cfgJSON}
	ru.BackendConfig = cfg

	deps, err := e.DependencyOutputs(ctx, u, BestEffort, true)
	if err != nil {
		return ru, err
	}
	for _, d := range u.Dependencies {
		if derr := deps[d.Name].Err; derr != nil {
			warn(fmt.Sprintf("%s: showing the outputs of %s as unknown: %v", u.Path, d.Path, derr))
		}
	}
	for _, d := range u.Dependencies {
		ru.Dependencies = append(ru.Dependencies, RenderedDep{Name: d.Name, Path: d.Path, From: deps[d.Name].From})
	}
	// Which inputs reach terraform: only those the module declares. Remote
	// modules are not fetched for a render, so for them it is not known.
	var declared map[string]bool
	if u.Source.Local {
		dir := filepath.Join(u.Source.Dir, filepath.FromSlash(u.Source.Subdir))
		if mod, err := e.declaredVariables(dir); err == nil {
			declared = maps.Clone(mod)
			if !u.Source.None {
				if extra, err := e.declaredVariables(u.Dir); err == nil {
					maps.Copy(declared, extra)
				}
			}
		}
	}
	inputs, diags := st.Inputs(u, deps)
	if diags.HasErrors() {
		return ru, &DiagError{Diags: diags}
	}
	for _, in := range inputs {
		// Ranges carry the file name as shown in messages already.
		ri := RenderedInput{Layer: in.Layer.String(), File: in.Range.Filename, Line: in.Range.Start.Line, Column: in.Range.Start.Column}
		for _, o := range in.Overrides {
			ri.Overrides = append(ri.Overrides, o.String())
		}
		if declared != nil {
			passed := declared[in.Name]
			ri.Passed = &passed
		}
		v := in.Value
		switch {
		case in.Sensitive():
			ri.Sensitive = true
			ri.Value, _ = json.Marshal(redact.Mask)
			ri.Text = redact.Mask
			ri.Val = cty.StringVal(redact.Mask)
		case !v.IsWhollyKnown():
			ri.Unknown = true
			ri.Value = json.RawMessage("null")
			ri.Text = "(known after its dependencies are applied)"
			ri.Val = cty.StringVal(ri.Text)
		default:
			ri.Val = v
			ri.Value, err = ctyjson.Marshal(v, v.Type())
			if err != nil {
				return ru, fmt.Errorf("input %s: %w", in.Name, err)
			}
			ri.Text = strings.TrimSpace(string(hclwrite.TokensForValue(v).Bytes()))
		}
		ru.Inputs[in.Name] = ri
		ru.InputOrder = append(ru.InputOrder, in.Name)
	}
	return ru, nil
}

// declaredVariables reads a module folder's variables once per invocation:
// many units share a module.
func (e *Engine) declaredVariables(dir string) (map[string]bool, error) {
	if v, ok := e.declared.Load(dir); ok {
		return v.(map[string]bool), nil
	}
	vars, err := terraform.DeclaredVariables(dir)
	if err != nil {
		return nil, err
	}
	e.declared.Store(dir, vars)
	return vars, nil
}
