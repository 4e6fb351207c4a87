package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/bootstrap"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

type bootstrapOptions struct {
	commonOptions
	JSON bool
	Fix  bool
}

func (a *app) bootstrapCommand(runF func(*bootstrapOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "bootstrap",
		Usage:     "create, or audit and repair, the remote state bucket and lock table",
		ArgsUsage: "ENV",
		Description: `Creates a missing state bucket with versioning, default encryption (SSE-S3, or SSE-KMS
when kms_key_id is set), all four public-access-block settings and a policy that denies
non-TLS access (not against a plain-HTTP endpoint, where it would deny everything), and the DynamoDB lock table when dynamodb_table is set (on-demand, LockID
key, encryption, point-in-time recovery). On an existing bucket or table it audits every
setting and prints what is missing; it changes nothing unless --fix is given.

Exit codes: 0 all settings in place (created, fixed or already there); 2 the audit found
missing settings and nothing was changed, or some settings could not be read; 1 an error.

Examples:
  stackctl bootstrap prod
  stackctl bootstrap prod --fix
  stackctl bootstrap staging --json`,
		Flags: commonFlags(jsonFlag(),
			&ucli.BoolFlag{Name: "fix", Usage: "repair the missing settings of an existing bucket or table", EnvVars: envVar("FIX")},
		),
		Action: func(c *ucli.Context) error {
			o := &bootstrapOptions{JSON: c.Bool("json"), Fix: c.Bool("fix")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runBootstrap(c.Context, o)
		},
	}
}

func (a *app) runBootstrap(ctx context.Context, o *bootstrapOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	reports, err := e.Bootstrap(ctx, o.Fix)
	if err != nil {
		// What was done before the failure (a bucket created, other
		// buckets checked) is still worth knowing.
		for _, r := range reports {
			_ = r.WriteTable(a.streams.ErrOut)
		}
		return &exitError{code: 1, err: err}
	}
	if len(reports) == 0 {
		fmt.Fprintf(a.streams.ErrOut, "stackctl: environment %s keeps its state locally (no remote_state block with backend = \"s3\"): nothing to bootstrap\n", e.Env())
		return nil
	}
	if o.JSON {
		if err := report.WriteJSON(a.streams.Out, map[string]any{"environment": e.Env(), "reports": reports}); err != nil {
			return err
		}
	} else {
		for i, r := range reports {
			if i > 0 {
				fmt.Fprintln(a.streams.Out)
			}
			if err := r.WriteTable(a.streams.Out); err != nil {
				return err
			}
		}
	}
	return bootstrapExit(a, e.Env(), reports, o.Fix)
}

// bootstrapExit is the exit code of a bootstrap: 0 only when every
// setting is known to be in place.
func bootstrapExit(a *app, env string, reports []*bootstrap.Report, fix bool) error {
	missing, unknown := 0, 0
	for _, r := range reports {
		missing += len(r.Missing())
		unknown += len(r.Unknown())
	}
	if missing > 0 {
		if !fix {
			fmt.Fprintf(a.streams.ErrOut, "stackctl: %d setting(s) missing; nothing was changed. Repair them with: stackctl bootstrap %s --fix\n", missing, env)
			return exitCode(2)
		}
		return &exitError{code: 1, err: fmt.Errorf("%d setting(s) could not be repaired (see above)", missing)}
	}
	if unknown > 0 {
		// 0 promises every setting is in place; these could not be read.
		fmt.Fprintf(a.streams.ErrOut, "stackctl: %d setting(s) could not be read, so they are not known to be in place (see above): grant the read permissions, or check them by hand\n", unknown)
		return exitCode(2)
	}
	return nil
}
