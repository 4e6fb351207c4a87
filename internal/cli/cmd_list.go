package cli

import (
	"context"
	"encoding/json"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/config"
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
				enc := json.NewEncoder(a.streams.Out)
				enc.SetIndent("", "  ")
				if units == nil {
					units = []string{}
				}
				return enc.Encode(units)
			}
			for _, u := range units {
				fmt.Fprintln(a.streams.Out, u)
			}
			return nil
		},
	}
}

func (a *app) ssmGetter(ctx context.Context) config.SSMGetter {
	return awsconf.NewSSM(ctx).Get
}
