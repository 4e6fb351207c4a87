package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

type listOptions struct {
	commonOptions
	JSON bool
}

func (a *app) listCommand(runF func(*listOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "list",
		Usage:     "list the units of an environment in dependency order",
		ArgsUsage: "ENV",
		Description: `Prints one unit path per line, every unit after the units it depends on.

Examples:
  stackctl list dev
  stackctl list prod --unit 'apps/*'
  stackctl list dev --json`,
		Flags: commonFlags(unitFlag(), jsonFlag()),
		Action: func(c *ucli.Context) error {
			o := &listOptions{JSON: c.Bool("json")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runList(c.Context, o)
		},
	}
}

func (a *app) runList(ctx context.Context, o *listOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	units := e.Ordered()
	if o.JSON {
		if units == nil {
			units = []string{}
		}
		return report.WriteJSON(a.streams.Out, units)
	}
	for _, u := range units {
		fmt.Fprintln(a.streams.Out, u)
	}
	return nil
}
