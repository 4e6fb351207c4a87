package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/state"
)

func (a *app) outputCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "output",
		Usage:     "print units' outputs, read straight from state",
		ArgsUsage: "ENV",
		Description: `Reads outputs from each unit's state without starting terraform. With --json and one unit
the document has the shape of 'terraform output -json'; with several units it is an object
keyed by unit path. Sensitive outputs are masked unless --show-sensitive is given.

Examples:
  stackctl output dev --unit network --json | jq -r .vpc_id.value
  stackctl output dev
  stackctl output prod --unit database --json --show-sensitive`,
		Flags: commonFlags(unitFlag, jsonFlag,
			&ucli.BoolFlag{Name: "show-sensitive", Usage: "print sensitive output values in clear", EnvVars: envVar("SHOW_SENSITIVE")},
		),
		Action: func(c *ucli.Context) error {
			s, err := a.load(c)
			if err != nil {
				return err
			}
			engine := &ops.Engine{Stack: s.stack, States: backend.NewOpener(s.stack.Env.Name)}
			units := s.ordered()
			states := make(map[string]*state.State, len(units))
			for _, p := range units {
				st, b, err := engine.ReadState(c.Context, s.stack.Unit(p), true)
				if err != nil {
					return &exitError{code: 1, err: err}
				}
				if st == nil {
					fmt.Fprintf(a.streams.ErrOut, "stackctl: %s has no state yet (%s): it has no outputs until it is applied (stackctl apply %s --unit %s)\n", p, b.Describe(), s.stack.Env.Name, p)
				}
				states[p] = st
			}
			show := c.Bool("show-sensitive")
			if c.Bool("json") {
				return report.WriteOutputsJSON(a.streams.Out, units, states, show)
			}
			report.WriteOutputsTextUnits(a.streams.Out, units, states, show)
			return nil
		},
	}
}
