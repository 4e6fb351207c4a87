package cli

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

type providersLockOptions struct {
	commonOptions
	Platforms   []string
	JSON        bool
	Parallelism int
	Stream      bool
}

func (a *app) providersCommand(runF func(*providersLockOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:  "providers",
		Usage: "provider maintenance: lock updates the units' dependency lock files",
		Subcommands: []*ucli.Command{{
			Name:      "lock",
			Usage:     "record provider checksums for every platform in each unit's .terraform.lock.hcl",
			ArgsUsage: "ENV",
			Description: `Runs terraform providers lock in every selected unit (with -fs-mirror when providers.mirror
is set, since the command does not read the CLI configuration's mirror), for each --platform,
then copies the lock file back into the unit folder. Commit the files it updates: init then
installs exactly those versions everywhere. No state is read or needed.

Examples:
  stackctl providers lock prod --platform linux_amd64 --platform darwin_arm64
  stackctl providers lock dev --unit network`,
			Flags: commonFlags(append(selectionFlags(), jsonFlag(),
				&ucli.StringSliceFlag{Name: "platform", Usage: "record checksums for `OS_ARCH` (repeatable: linux_amd64, darwin_arm64, windows_amd64); default this machine's", EnvVars: envVar("PLATFORM")},
				&ucli.IntFlag{Name: "parallelism", Aliases: []string{"p"}, Value: defaultParallelism(), Usage: fmt.Sprintf("run at most `N` units at once (1-%d)", maxParallelism), EnvVars: envVar("PARALLELISM")},
				&ucli.BoolFlag{Name: "stream", Usage: "stream terraform's output with a [unit] prefix even on a terminal", EnvVars: envVar("STREAM")},
			)...),
			Action: func(c *ucli.Context) error {
				o := &providersLockOptions{Platforms: splitList(c.StringSlice("platform")), JSON: c.Bool("json"), Parallelism: c.Int("parallelism"), Stream: c.Bool("stream")}
				o.fill(a, c)
				if runF != nil {
					return runF(o)
				}
				return a.runProvidersLock(c.Context, o)
			},
		}},
	}
}

var platformName = regexp.MustCompile(`^[a-z0-9]+_[a-z0-9]+$`)

func (o *providersLockOptions) check() error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	if o.Parallelism < 1 || o.Parallelism > maxParallelism {
		return &exitError{code: 1, err: fmt.Errorf("--parallelism %d is out of range: give 1 to %d units at once", o.Parallelism, maxParallelism)}
	}
	for _, p := range o.Platforms {
		if !platformName.MatchString(p) {
			return &exitError{code: 1, err: fmt.Errorf("--platform %q is not an OS_ARCH name such as linux_amd64 or darwin_arm64", p)}
		}
	}
	return nil
}

func (a *app) runProvidersLock(ctx context.Context, o *providersLockOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	ro := &runOptions{commonOptions: o.commonOptions, Command: "providers lock", JSON: o.JSON, Parallelism: o.Parallelism, Stream: o.Stream}
	if a.nothingChanged(e) {
		return a.writeNothing(e, ro)
	}
	res, progress, err := a.execute(ctx, e, ro, ops.ProvidersLock(o.Platforms),
		report.ProgressOptions{Command: "providers lock", LogName: "providers-lock"})
	if err != nil {
		return err
	}
	var changed []string
	for _, u := range res.Units {
		if lr, ok := u.Data.(ops.LockResult); ok && lr.Changed {
			changed = append(changed, e.Stack.Display(lr.File))
		}
	}
	if len(changed) > 0 {
		a.notes = append(a.notes, fmt.Sprintf("Lock files updated, commit them: %s", strings.Join(changed, ", ")))
	} else if !res.Failed() {
		a.notes = append(a.notes, "No lock file changed.")
	}
	a.writeResult(e, ro, res, progress)
	if res.Failed() {
		return exitCode(1)
	}
	return nil
}
