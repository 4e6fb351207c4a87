package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/report"
)

func (a *app) listCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "list",
		Usage:     "list the units of an environment in dependency order",
		ArgsUsage: "ENV",
		Description: `Prints one unit path per line, every unit after the units it depends on.

Examples:
  stackctl list dev
  stackctl list prod --unit 'apps/*'
  stackctl list dev --json`,
		Flags: commonFlags(unitFlag, jsonFlag),
		Action: func(c *ucli.Context) error {
			s, err := a.load(c)
			if err != nil {
				return err
			}
			units := s.ordered()
			if c.Bool("json") {
				if units == nil {
					units = []string{}
				}
				return report.WriteJSON(a.streams.Out, units)
			}
			for _, u := range units {
				fmt.Fprintln(a.streams.Out, u)
			}
			return nil
		},
	}
}
