package cli

import (
	"context"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/ops"
)

type graphOptions struct {
	commonOptions
	Format string
}

func (a *app) graphCommand(runF func(*graphOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "graph",
		Usage:     "print the dependency graph (dot, mermaid or json)",
		ArgsUsage: "ENV",
		Description: `Edges point from a unit to the units it depends on.

With --unit or --changed-since, only the selected units and the edges between them.

Examples:
  stackctl graph prod --changed-since origin/main --format mermaid
  stackctl graph dev | dot -Tsvg > dev.svg
  stackctl graph dev --format mermaid
  stackctl graph dev --format json | jq '.units[] | select(.dependents == [])'`,
		Flags: commonFlags(append(selectionFlags(),
			&ucli.StringFlag{Name: "format", Value: "dot", Usage: "output format: " + strings.Join(graph.Formats, ", "), EnvVars: envVar("FORMAT")},
		)...),
		Action: func(c *ucli.Context) error {
			o := &graphOptions{Format: c.String("format")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runGraph(c.Context, o)
		},
	}
}

func (a *app) runGraph(ctx context.Context, o *graphOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	g := e.Graph
	if len(o.Units) > 0 || a.changed != nil {
		// Only the selected units, and the edges between them.
		g = g.Subgraph(e.Selected)
	}
	if err := g.Write(a.streams.Out, o.Format); err != nil {
		return &exitError{code: 1, err: err}
	}
	return nil
}
