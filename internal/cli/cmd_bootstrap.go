package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/bootstrap"
	"github.com/stackctl/stackctl/internal/report"
)

func (a *app) bootstrapCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "bootstrap",
		Usage:     "create, or audit and repair, the remote state bucket and lock table",
		ArgsUsage: "ENV",
		Description: `Creates a missing state bucket with versioning, default encryption (SSE-S3, or SSE-KMS
when kms_key_id is set), all four public-access-block settings and a policy that denies
non-TLS access, and the DynamoDB lock table when dynamodb_table is set (on-demand, LockID
key, encryption, point-in-time recovery). On an existing bucket or table it audits every
setting and prints what is missing; it changes nothing unless --fix is given.

Exit codes: 0 all settings in place (created, fixed or already there); 2 the audit found
missing settings and nothing was changed; 1 an error.

Examples:
  stackctl bootstrap prod
  stackctl bootstrap prod --fix
  stackctl bootstrap staging --json`,
		Flags: commonFlags(jsonFlag,
			&ucli.BoolFlag{Name: "fix", Usage: "repair the missing settings of an existing bucket or table", EnvVars: envVar("FIX")},
		),
		Action: func(c *ucli.Context) error {
			s, err := a.load(c)
			if err != nil {
				return err
			}
			opener := backend.NewOpener(s.stack.Env.Name)
			backends, err := opener.S3Backends(c.Context, s.stack.Units)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			var reports []*bootstrap.Report
			for _, b := range backends {
				rep, err := bootstrap.Run(c.Context, bootstrap.FromBackend(b, c.Bool("fix")))
				if err != nil {
					// What was done before the failure (a bucket created, other
					// buckets checked) is still worth knowing.
					for _, r := range append(reports, rep) {
						if r != nil {
							_ = r.WriteTable(a.streams.ErrOut)
						}
					}
					return &exitError{code: 1, err: err}
				}
				reports = append(reports, rep)
			}
			if len(reports) == 0 {
				fmt.Fprintf(a.streams.ErrOut, "stackctl: environment %s keeps its state locally (no remote_state block with backend = \"s3\"): nothing to bootstrap\n", s.stack.Env.Name)
				return nil
			}
			missing := 0
			for _, r := range reports {
				missing += len(r.Missing())
			}
			if c.Bool("json") {
				if err := report.WriteJSON(a.streams.Out, map[string]any{"environment": s.stack.Env.Name, "reports": reports}); err != nil {
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
			if missing > 0 {
				if !c.Bool("fix") {
					fmt.Fprintf(a.streams.ErrOut, "stackctl: %d setting(s) missing; nothing was changed. Repair them with: stackctl bootstrap %s --fix\n", missing, s.stack.Env.Name)
					return exitCode(2)
				}
				return &exitError{code: 1, err: fmt.Errorf("%d setting(s) could not be repaired (see above)", missing)}
			}
			return nil
		},
	}
}
