package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

type outputOptions struct {
	commonOptions
	JSON          bool
	ShowSensitive bool
}

func (a *app) outputCommand(runF func(*outputOptions) error) *ucli.Command {
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
		Flags: commonFlags(append(selectionFlags(), jsonFlag(),
			&ucli.BoolFlag{Name: "show-sensitive", Usage: "print sensitive output values in clear", EnvVars: envVar("SHOW_SENSITIVE")},
		)...),
		Action: func(c *ucli.Context) error {
			o := &outputOptions{JSON: c.Bool("json"), ShowSensitive: c.Bool("show-sensitive")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runOutput(c.Context, o)
		},
	}
}

func (a *app) runOutput(ctx context.Context, o *outputOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	units := e.Ordered()
	states, err := e.Outputs(ctx, units, func(unit, where string) {
		fmt.Fprintf(a.streams.ErrOut, "stackctl: %s has no state yet (%s): it has no outputs until it is applied (stackctl apply %s --unit %s)\n", unit, where, e.Env(), unit)
	})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if o.JSON {
		return report.WriteOutputsJSON(a.streams.Out, units, states, o.ShowSensitive)
	}
	report.WriteOutputsTextUnits(a.streams.Out, units, states, o.ShowSensitive)
	return nil
}
