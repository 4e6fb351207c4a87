package cli

import (
	"context"
	"fmt"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/verify"
)

// checkOptions say how verify checks reach what they check: verify's and
// apply --verify's.
type checkOptions struct {
	// Resolve are --resolve HOST:PORT:ADDR mappings, as curl takes them.
	Resolve []string
	CAFile  string
	// Timeout is the deadline of each check that sets none.
	Timeout time.Duration
}

func checkFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringSliceFlag{Name: "resolve", Usage: "send the checks' connections for HOST:PORT to ADDR, as curl does (`HOST:PORT:ADDR`, repeatable): verify a new load balancer before DNS points at it", EnvVars: envVar("RESOLVE")},
		&ucli.StringFlag{Name: "ca-file", Usage: "trust the certificates of this PEM `FILE` next to the system roots", EnvVars: envVar("CA_FILE")},
		// 0 leaves verify's default; a value set here would also land in
		// the options of every apply that does not verify.
		&ucli.DurationFlag{Name: "check-timeout", DefaultText: verify.DefaultTimeout.String(), Usage: "retry each check that sets no timeout of its own for at most this long (`DURATION`)", EnvVars: envVar("CHECK_TIMEOUT")},
	}
}

func checkOptionsOf(c *ucli.Context) checkOptions {
	return checkOptions{Resolve: c.StringSlice("resolve"), CAFile: c.String("ca-file"), Timeout: c.Duration("check-timeout")}
}

// verifier reads --resolve and --ca-file once, before any work.
func (o checkOptions) verifier() (*verify.Verifier, error) {
	if o.Timeout < 0 {
		return nil, &exitError{code: 1, err: fmt.Errorf("--check-timeout %s is negative: give how long a check may retry, like 30s", o.Timeout)}
	}
	vo := verify.Options{CAFile: o.CAFile, Timeout: o.Timeout}
	for _, s := range o.Resolve {
		r, err := verify.ParseResolve(s)
		if err != nil {
			return nil, &exitError{code: 1, err: err}
		}
		vo.Resolve = append(vo.Resolve, r)
	}
	v, err := verify.New(vo)
	if err != nil {
		return nil, &exitError{code: 1, err: err}
	}
	return v, nil
}

type verifyOptions struct {
	commonOptions
	checkOptions
	JSON   bool
	Format string
}

func (a *app) verifyCommand(runF func(*verifyOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "verify",
		Usage:     "run the post-deploy checks declared in unit.hcl (verify blocks)",
		ArgsUsage: "ENV",
		Description: `Runs every verify "NAME" { ... } check of the selected units on what they hold now: each
unit's outputs read from its state and its inputs rendered with its dependencies' outputs
from state. Nothing is planned and terraform does not run. Each check is retried until it
passes or its deadline (timeout, default 60s) passes, and reports its reason and timing;
secrets (sensitive values, key headers, tokens) are masked everywhere. A unit without state
fails its checks, saying so. Unlike Terraform's check blocks, a failed check fails the run.
apply --verify runs each unit's checks right after it applies.

Exit codes: 0 every check passed (or none is declared); 1 a check failed, or an error.

Examples:
  stackctl verify prod
  stackctl verify prod --unit service --format markdown >> "$GITHUB_STEP_SUMMARY"
  stackctl verify prod --resolve partner-api.example.com:443:10.0.3.7 --ca-file ca.pem
  stackctl apply prod --verify --auto-approve`,
		Flags: commonFlags(append(append(selectionFlags(), jsonFlag(),
			&ucli.StringFlag{Name: "format", Usage: "text (default), markdown or json", EnvVars: envVar("FORMAT")},
		), checkFlags()...)...),
		Action: func(c *ucli.Context) error {
			o := &verifyOptions{checkOptions: checkOptionsOf(c), JSON: c.Bool("json"), Format: c.String("format")}
			o.fill(a, c)
			if runF != nil {
				return runF(o)
			}
			return a.runVerify(c.Context, o)
		},
	}
}

func (a *app) runVerify(ctx context.Context, o *verifyOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	format, err := view("verify", o.JSON, o.Format)
	if err != nil {
		return err
	}
	v, err := o.verifier()
	if err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	results := e.Verify(ctx, v, nil)
	rep := verify.NewReport(e.Env(), results, time.Since(start))
	if len(results) == 0 {
		fmt.Fprintf(a.streams.ErrOut, "stackctl: no selected unit of %s declares a verify block\n", e.Env())
	}
	switch format {
	case "json":
		if err := rep.WriteJSON(a.streams.Out); err != nil {
			return &exitError{code: 1, err: err}
		}
	case "markdown":
		rep.WriteMarkdown(a.streams.Out)
	default:
		rep.WriteHuman(a.streams.Out, a.streams.ColorOut())
	}
	if !rep.OK() {
		return exitCode(1)
	}
	return nil
}

// writeAppliedChecks prints, after apply --verify, every check each unit
// ran once it applied.
func (a *app) writeAppliedChecks(res *ops.Result) {
	var results []verify.Result
	for _, u := range res.Units {
		if c, ok := u.Data.(*ops.UnitChecks); ok {
			results = append(results, c.Results...)
		}
	}
	if len(results) == 0 {
		return
	}
	var took time.Duration
	for _, r := range results {
		took = max(took, r.Duration)
	}
	fmt.Fprintln(a.streams.Out)
	verify.NewReport(res.Env, results, took).WriteHuman(a.streams.Out, a.streams.ColorOut())
}
