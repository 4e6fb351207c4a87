package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

type renderOptions struct {
	commonOptions
	Format string
	All    bool
}

func (a *app) renderCommand(runF func(*renderOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "render",
		Usage:     "show each unit's resolved source, backend and inputs, and where each input came from",
		ArgsUsage: "ENV",
		Description: `Renders units without running terraform. Dependency outputs come from the dependency's
state, else from its mock_outputs (marked "mock"), else they are shown as not known yet.
Sensitive values (SecureString parameters, sensitive outputs, sensitive()) are masked.
Root and env inputs the unit's module declares no variable for are left out unless --all;
a unit's own input that is not passed is always shown.

Examples:
  stackctl render dev --unit database
  stackctl render prod --format json | jq '.units[0].inputs'
  stackctl render staging --format hcl`,
		Flags: commonFlags(append(selectionFlags(), jsonFlag(),
			&ucli.StringFlag{Name: "format", Usage: "text (default), json or hcl", EnvVars: envVar("FORMAT")},
			&ucli.BoolFlag{Name: "all", Usage: "also show shared inputs the module does not declare", EnvVars: envVar("ALL")},
		)...),
		Action: func(c *ucli.Context) error {
			o := &renderOptions{Format: c.String("format"), All: c.Bool("all")}
			if c.Bool("json") {
				o.Format = "json"
			}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runRender(c.Context, o)
		},
	}
}

func (a *app) runRender(ctx context.Context, o *renderOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	switch o.Format {
	case "", "text", "json", "hcl":
	default:
		return &exitError{code: 1, err: fmt.Errorf("unknown render format %q; use text, json or hcl", o.Format)}
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	warn := func(msg string) { fmt.Fprintf(a.streams.ErrOut, "stackctl: warning: %s\n", msg) }
	var units []ops.RenderedUnit
	for _, p := range e.Ordered() {
		ru, err := e.Render(ctx, e.Unit(p), warn)
		if err != nil {
			if d, ok := ops.IsConfigError(err); ok {
				a.printDiags(e, d.Diags)
				return exitCode(1)
			}
			return &exitError{code: 1, err: fmt.Errorf("%s: %w", p, err)}
		}
		ru.Reasons = a.changed.reasons()[p]
		units = append(units, ru)
	}
	switch o.Format {
	case "json":
		return report.WriteRenderJSON(a.streams.Out, e.Env(), units)
	case "hcl":
		report.WriteRenderHCL(a.streams.Out, units)
	default:
		report.WriteRenderText(a.streams.Out, units, o.All)
	}
	return nil
}
