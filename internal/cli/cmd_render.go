package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
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
			warn := func(msg string) { fmt.Fprintf(a.streams.ErrOut, "stackctl: warning: %s\n", msg) }
			var units []ops.RenderedUnit
			for _, p := range s.ordered() {
				ru, err := engine.Render(c.Context, s.stack.Unit(p), warn)
				if err != nil {
					return &exitError{code: 1, err: fmt.Errorf("%s: %w", p, err)}
				}
				units = append(units, ru)
			}
			switch format {
			case "json":
				return report.WriteRenderJSON(a.streams.Out, s.stack.Env.Name, units)
			case "hcl":
				report.WriteRenderHCL(a.streams.Out, units)
			default:
				report.WriteRenderText(a.streams.Out, units)
			}
			return nil
		},
	}
}
