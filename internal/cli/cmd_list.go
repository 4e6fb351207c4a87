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

With --changed-since REF only the affected units are listed, each with why on stderr;
--json then prints an object: the units with their reasons, deleted units, unmatched files.

Examples:
  stackctl list dev
  stackctl list prod --changed-since origin/main
  stackctl list prod --unit 'apps/*'
  stackctl list dev --json`,
		Flags: commonFlags(append(selectionFlags(), jsonFlag())...),
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
	if o.JSON && a.changed != nil {
		return report.WriteJSON(a.streams.Out, listChanged(units, a.changed))
	}
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
