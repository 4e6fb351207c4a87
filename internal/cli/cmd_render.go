package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hashicorp/hcl/v2/hclwrite"
	ucli "github.com/urfave/cli/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/terraform"
)

func (a *app) renderCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "render",
		Usage:     "show each unit's resolved source, backend and inputs, and where each input came from",
		ArgsUsage: "ENV",
		Description: `Renders units without running terraform. Dependency outputs come from the dependency's
state, else from its mock_outputs (marked "mock"), else they are shown as not known yet.
Sensitive values (SecureString parameters, sensitive outputs, sensitive()) are masked.

Examples:
  stackctl render dev --unit database
  stackctl render prod --format json | jq '.units[0].inputs'
  stackctl render staging --format hcl`,
		Flags: commonFlags(unitFlag, jsonFlag,
			&ucli.StringFlag{Name: "format", Usage: "text (default), json or hcl", EnvVars: envVar("FORMAT")},
		),
		Action: func(c *ucli.Context) error {
			s, err := a.load(c)
			if err != nil {
				return err
			}
			format := c.String("format")
			if c.Bool("json") {
				format = "json"
			}
			switch format {
			case "", "text", "json", "hcl":
			default:
				return &exitError{code: 1, err: fmt.Errorf("unknown render format %q; use text, json or hcl", format)}
			}
			engine := &ops.Engine{Stack: s.stack, States: backend.NewOpener(s.stack.Env.Name), FormatDiags: a.formatDiags(s.loader)}
			var units []renderedUnit
			for _, p := range s.ordered() {
				ru, err := a.renderUnit(c.Context, engine, s.stack, s.stack.Unit(p))
				if err != nil {
					return &exitError{code: 1, err: fmt.Errorf("%s: %w", p, err)}
				}
				units = append(units, ru)
			}
			switch format {
			case "json":
				enc := json.NewEncoder(a.streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"environment": s.stack.Env.Name, "units": units})
			case "hcl":
				writeRenderHCL(a.streams.Out, units)
			default:
				writeRenderText(a.streams.Out, units)
			}
			return nil
		},
	}
}

type renderedUnit struct {
	Path         string                   `json:"path"`
	File         string                   `json:"file"`
	Source       renderedSource           `json:"source"`
	Backend      renderedBackend          `json:"backend"`
	Dependencies []renderedDep            `json:"dependencies"`
	Inputs       map[string]renderedInput `json:"inputs"`
	inputOrder   []string
	backendCfg   map[string]cty.Value
}

type renderedSource struct {
	Raw    string `json:"raw,omitempty"`
	Kind   string `json:"kind"` // local, remote, none
	Path   string `json:"path,omitempty"`
	Subdir string `json:"subdir,omitempty"`
}

type renderedBackend struct {
	Type   string          `json:"type"`
	State  string          `json:"state"`
	Config json.RawMessage `json:"config"`
}

type renderedDep struct {
	Name string `json:"name"`
	Path string `json:"path"`
	From string `json:"outputs_from"`
}

type renderedInput struct {
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
	text   string
	val    cty.Value
}

func (a *app) renderUnit(ctx context.Context, e *ops.Engine, st *config.Stack, u *config.Unit) (renderedUnit, error) {
	ru := renderedUnit{Path: u.Path, File: st.Display(u.File), Inputs: map[string]renderedInput{}, Dependencies: []renderedDep{}}
	switch {
	case u.Source.None:
		ru.Source = renderedSource{Kind: "none", Path: st.Display(u.Dir)}
	case u.Source.Local:
		ru.Source = renderedSource{Raw: u.Source.Raw, Kind: "local", Path: st.Display(u.Source.Dir), Subdir: u.Source.Subdir}
	default:
		ru.Source = renderedSource{Raw: u.Source.Raw, Kind: "remote"}
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
	ru.Backend = renderedBackend{Type: u.Backend.Type, State: state, Config: cfgJSON}
	ru.backendCfg = cfg

	deps, err := e.DependencyOutputs(ctx, u, ops.BestEffort, true)
	if err != nil {
		return ru, err
	}
	for _, d := range u.Dependencies {
		if derr := deps[d.Name].Err; derr != nil {
			fmt.Fprintf(a.streams.ErrOut, "stackctl: warning: %s: showing the outputs of %s as unknown: %v\n", u.Path, d.Path, derr)
		}
	}
	for _, d := range u.Dependencies {
		ru.Dependencies = append(ru.Dependencies, renderedDep{Name: d.Name, Path: d.Path, From: deps[d.Name].From})
	}
	// Which inputs reach terraform: only those the module declares. Remote
	// modules are not fetched for a render, so for them it is not known.
	var declared map[string]bool
	if u.Source.Local {
		dir := filepath.Join(u.Source.Dir, filepath.FromSlash(u.Source.Subdir))
		if declared, err = terraform.DeclaredVariables(dir); err == nil && !u.Source.None {
			if extra, err := terraform.DeclaredVariables(u.Dir); err == nil {
				for k := range extra {
					declared[k] = true
				}
			}
		}
	}
	inputs, diags := st.Inputs(u, deps)
	if diags.HasErrors() {
		return ru, fmt.Errorf("%s", strings.TrimSpace(e.FormatDiags(diags)))
	}
	for _, in := range inputs {
		// Ranges carry the file name as shown in messages already.
		ri := renderedInput{Layer: in.Layer.String(), File: in.Range.Filename, Line: in.Range.Start.Line, Column: in.Range.Start.Column}
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
			ri.text = redact.Mask
			ri.val = cty.StringVal(redact.Mask)
		case !v.IsWhollyKnown():
			ri.Unknown = true
			ri.Value = json.RawMessage("null")
			ri.text = "(known after its dependencies are applied)"
			ri.val = cty.StringVal(ri.text)
		default:
			ri.val = v
			ri.Value, err = ctyjson.Marshal(v, v.Type())
			if err != nil {
				return ru, fmt.Errorf("input %s: %w", in.Name, err)
			}
			ri.text = strings.TrimSpace(string(hclwrite.TokensForValue(v).Bytes()))
		}
		ru.Inputs[in.Name] = ri
		ru.inputOrder = append(ru.inputOrder, in.Name)
	}
	return ru, nil
}

func writeRenderText(w io.Writer, units []renderedUnit) {
	for i, u := range units {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "unit %s (%s)\n", u.Path, u.File)
		src := u.Source.Raw
		switch u.Source.Kind {
		case "local":
			src += " → " + u.Source.Path
			if u.Source.Subdir != "" {
				src += " (runs in " + u.Source.Subdir + ")"
			}
		case "none":
			src = "(none: the unit folder's own .tf files)"
		}
		fmt.Fprintf(w, "  source   %s\n", src)
		fmt.Fprintf(w, "  backend  %s %s\n", u.Backend.Type, u.Backend.State)
		for _, d := range u.Dependencies {
			fmt.Fprintf(w, "  depends  %s → %s (outputs from %s)\n", d.Name, d.Path, d.From)
		}
		if len(u.inputOrder) == 0 {
			fmt.Fprintln(w, "  inputs   (none)")
			continue
		}
		fmt.Fprintln(w, "  inputs")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, name := range u.inputOrder {
			in := u.Inputs[name]
			where := fmt.Sprintf("%s\t%s:%d:%d", in.Layer, in.File, in.Line, in.Column)
			if len(in.Overrides) > 0 {
				where += " (overrides " + strings.Join(in.Overrides, ", ") + ")"
			}
			if in.Passed != nil && !*in.Passed {
				where += " — not passed: the module declares no such variable"
			}
			fmt.Fprintf(tw, "    %s\t= %s\t%s\n", name, oneLine(in.text, 60), where)
		}
		tw.Flush()
	}
}

func writeRenderHCL(w io.Writer, units []renderedUnit) {
	for i, u := range units {
		if i > 0 {
			fmt.Fprintln(w)
		}
		f := hclwrite.NewEmptyFile()
		body := f.Body()
		body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: 0, Bytes: []byte("# unit " + u.Path + " (" + u.File + ")\n")}})
		if u.Source.Raw != "" {
			body.SetAttributeValue("source", cty.StringVal(u.Source.Raw))
		}
		b := body.AppendNewBlock("backend", []string{u.Backend.Type}).Body()
		for _, k := range slices.Sorted(maps.Keys(u.backendCfg)) {
			b.SetAttributeValue(k, u.backendCfg[k])
		}
		inputs := map[string]cty.Value{}
		for _, name := range u.inputOrder {
			inputs[name] = u.Inputs[name].val
		}
		if len(inputs) > 0 {
			body.SetAttributeValue("inputs", cty.ObjectVal(inputs))
		} else {
			body.SetAttributeValue("inputs", cty.EmptyObjectVal)
		}
		_, _ = w.Write(hclwrite.Format(f.Bytes()))
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}
