package cli

import (
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/graph"
)

func (a *app) graphCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "graph",
		Usage:     "print the dependency graph (dot, mermaid or json)",
		ArgsUsage: "ENV",
		Description: `Edges point from a unit to the units it depends on.

Examples:
  stackctl graph dev | dot -Tsvg > dev.svg
  stackctl graph dev --format mermaid
  stackctl graph dev --format json | jq '.units[] | select(.dependents == [])'`,
		Flags: commonFlags(
			&ucli.StringFlag{Name: "format", Value: "dot", Usage: "output format: " + strings.Join(graph.Formats, ", "), EnvVars: envVar("FORMAT")},
		),
		Action: func(c *ucli.Context) error {
			s, err := a.load(c)
			if err != nil {
				return err
			}
			if err := s.graph.Write(a.streams.Out, c.String("format")); err != nil {
				return &exitError{code: 1, err: err}
			}
			return nil
		},
	}
}
