package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/parity"
)

// diffEnvOptions are diff-env's: Env is ENV_A, EnvB the other one.
type diffEnvOptions struct {
	commonOptions
	EnvB   string
	State  bool
	JSON   bool
	Format string
}

func (a *app) diffEnvCommand(runF func(*diffEnvOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "diff-env",
		Usage:     "compare two environments' units, sources, dependencies and inputs (domain-aware)",
		ArgsUsage: "ENV_A ENV_B",
		Description: `Renders both environments without terraform and without cloud access — dependency outputs
are compared by the output they come from, ssm_parameter() by the parameter's name — and
compares units, dependencies, module sources and versions, and every input by value and by
shape. Each environment's own domain(s) and name are put back as placeholders first, so
app.staging.example.com and app.example.com agree, while a value that still names the other
environment's domain does not. Secrets are compared by hash and never shown. Differences
declared in stackctl.hcl's parity block are listed with their reason and do not count.
--state adds what each environment's state holds (resource addresses and instance counts),
read through the units' backends.

Exit codes: 0 no undeclared difference; 2 undeclared differences found; 1 an error.

Examples:
  stackctl diff-env staging prod
  stackctl diff-env staging prod --state --unit service
  stackctl diff-env staging prod --format markdown >> "$GITHUB_STEP_SUMMARY"
  stackctl diff-env staging prod --json | jq '.differences[] | select(.declared | not)'`,
		Flags: commonFlags(unitFlag(), jsonFlag(),
			&ucli.BoolFlag{Name: "state", Usage: "also compare the resources each environment's state holds (reads state)", EnvVars: envVar("STATE")},
			&ucli.StringFlag{Name: "format", Usage: "text (default), markdown or json", EnvVars: envVar("FORMAT")},
		),
		Action: func(c *ucli.Context) error {
			o := &diffEnvOptions{State: c.Bool("state"), JSON: c.Bool("json"), Format: c.String("format")}
			o.fill(a, c)
			if len(o.Args) > 0 {
				o.EnvB, o.Args = o.Args[0], o.Args[1:]
			}
			if runF != nil {
				return runF(o)
			}
			return a.runDiffEnv(c.Context, o)
		},
	}
}

// view is the view --json and --format ask for (text, markdown or json),
// refusing an unknown one and two at once.
func view(command string, jsonFlag bool, format string) (string, error) {
	switch format {
	case "", "text", "markdown", "json":
	default:
		return "", &exitError{code: 1, err: fmt.Errorf("%s: unknown format %q; use text, markdown or json", command, format)}
	}
	if jsonFlag {
		if format != "" && format != "json" {
			return "", &exitError{code: 1, err: fmt.Errorf("%s: --json and --format %s ask for two views; give one", command, format)}
		}
		return "json", nil
	}
	if format == "" {
		return "text", nil
	}
	return format, nil
}

func (o *diffEnvOptions) check() error {
	if o.Env == "" || o.EnvB == "" {
		return &exitError{code: 1, err: fmt.Errorf("diff-env compares two environments: stackctl diff-env ENV_A ENV_B (for example staging prod)")}
	}
	if o.Env == o.EnvB {
		return &exitError{code: 1, err: fmt.Errorf("diff-env %s %s compares an environment with itself; name two different ones", o.Env, o.EnvB)}
	}
	return o.noExtraArgs()
}

func (a *app) runDiffEnv(ctx context.Context, o *diffEnvOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	format, err := view("diff-env", o.JSON, o.Format)
	if err != nil {
		return err
	}
	// Both environments are rendered with ssm_parameter() standing in by
	// name: without --state nothing outside the repository is read. Units
	// are selected across both (ops.DiffEnv), not per environment.
	co := o.commonOptions
	co.Units = nil
	ea, err := a.engine(ctx, co, ops.Options{SSM: parity.OfflineSSM})
	if err != nil {
		return err
	}
	eb, err := ea.LoadOther(o.EnvB)
	if err != nil {
		return a.fail(ea, err)
	}
	a.printDiags(ea, eb.Warnings)
	res, warnings, err := ops.DiffEnv(ctx, ea, eb, ops.DiffEnvOptions{Units: o.Units, State: o.State,
		NoState: func(env, unit, where string) {
			fmt.Fprintf(a.streams.ErrOut, "stackctl: %s: %s has no state yet (%s): compared as holding no resources\n", env, unit, where)
		}})
	a.printDiags(ea, warnings)
	if err != nil {
		return a.fail(ea, err)
	}
	switch format {
	case "json":
		if err := res.WriteJSON(a.streams.Out); err != nil {
			return &exitError{code: 1, err: err}
		}
	case "markdown":
		res.WriteMarkdown(a.streams.Out)
	default:
		res.WriteHuman(a.streams.Out, a.streams.ColorOut())
	}
	if res.HasUndeclared() {
		return exitCode(2)
	}
	return nil
}
