package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/ops"
)

func envVar(name string) []string { return []string{"STACKCTL_" + name} }

func rootFlag() ucli.Flag {
	return &ucli.StringFlag{Name: "root", Usage: "repository root `DIR` (default: the nearest folder upward holding stackctl.hcl)", EnvVars: envVar("ROOT")}
}
func noColorFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: "no-color", Usage: "no colour in output (also NO_COLOR)", EnvVars: envVar("NO_COLOR")}
}
func unitFlag() ucli.Flag {
	return &ucli.StringSliceFlag{Name: "unit", Aliases: []string{"u"}, Usage: "select units by `PATH` (repeatable; globs allowed: 'apps/*', '**/api'; a folder selects the units under it)", EnvVars: envVar("UNIT")}
}
func jsonFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: "json", Usage: "machine-readable output on stdout", EnvVars: envVar("JSON")}
}
func autoApproveFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: "auto-approve", Usage: "do not ask for confirmation", EnvVars: envVar("AUTO_APPROVE")}
}

func commonFlags(extra ...ucli.Flag) []ucli.Flag {
	return append([]ucli.Flag{rootFlag(), noColorFlag()}, extra...)
}

// commonOptions are what every command that reads an environment takes.
type commonOptions struct {
	Env     string
	Root    string
	NoColor bool
	Units   []string
	// ChangedSince is --changed-since REF; AllowDestroy lets the
	// commands that take it plan the destroy of units deleted since.
	ChangedSince string
	AllowDestroy bool
	// Args are the positional arguments after ENV.
	Args []string
}

// fill reads the common flags and the positional arguments: ENV first
// (or STACKCTL_ENV), then the command's own.
func (o *commonOptions) fill(a *app, c *ucli.Context) {
	o.Root = c.String("root")
	o.NoColor = c.Bool("no-color")
	o.Units = splitPatterns(c.StringSlice("unit"))
	o.ChangedSince, o.AllowDestroy = c.String("changed-since"), c.Bool("allow-destroy")
	args := c.Args().Slice()
	if len(args) > 0 {
		o.Env, o.Args = args[0], args[1:]
	} else {
		o.Env, _ = a.getenv("STACKCTL_ENV")
	}
}

// noExtraArgs refuses positional arguments a command does not take.
func (o *commonOptions) noExtraArgs() error {
	if len(o.Args) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("unexpected arguments %s: terraform arguments go after \"--\"", strings.Join(o.Args, " "))}
	}
	return nil
}

// splitPatterns accepts comma-separated lists too (STACKCTL_UNIT=a,b).
func splitPatterns(in []string) []string {
	var out []string
	for _, p := range in {
		for _, q := range strings.Split(p, ",") {
			if q = strings.TrimSpace(q); q != "" {
				out = append(out, q)
			}
		}
	}
	return out
}

// engine loads the environment the options name, printing configuration
// diagnostics (with snippets) on failure and warnings otherwise.
func (a *app) engine(ctx context.Context, o commonOptions, extra ops.Options) (*ops.Engine, error) {
	if o.NoColor {
		a.streams.NoColor = true
	}
	_, offline := a.getenv("STACKCTL_OFFLINE")
	opts := extra
	opts.Dir, opts.RootDir, opts.Env, opts.Units = a.cwd, o.Root, o.Env, o.Units
	opts.Getenv, opts.Environ, opts.Offline = a.getenv, a.environ, offline
	opts.Context = ctx
	if opts.SSM == nil {
		opts.AWS = &awsconf.Shared{}
		opts.SSM = awsconf.NewSSM(ctx, opts.AWS).Get
	}
	e, err := ops.Load(opts)
	if err != nil {
		if d, ok := ops.IsConfigError(err); ok {
			a.printDiags(e, d.Diags)
			return nil, exitCode(1)
		}
		return nil, &exitError{code: 1, err: err}
	}
	a.printDiags(e, e.Warnings)
	for _, x := range e.Excluded {
		why := ""
		if x.Reason != "" {
			why = ": " + x.Reason
		}
		fmt.Fprintf(a.streams.ErrOut, "stackctl: leaving out %s%s (exclude at %s); name it with --unit %s to run it anyway\n", x.Unit, why, x.At, x.Unit)
	}
	if err := a.selectChanged(ctx, e, o); err != nil {
		return nil, err
	}
	return e, nil
}

func (a *app) printDiags(e *ops.Engine, diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	a.writeDiags(a.streams.ErrOut, e, diags, a.streams.ColorErr())
	a.annotate(diags)
}

func (a *app) writeDiags(w io.Writer, e *ops.Engine, diags hcl.Diagnostics, color bool) {
	diag.Write(w, diags, e.Loader.Files(), color, a.streams.Width())
}

// formatError renders a unit's error for the summary: configuration
// errors with their snippets, anything else as its message.
func (a *app) formatError(e *ops.Engine) func(error) string {
	return func(err error) string {
		if d, ok := ops.IsConfigError(err); ok {
			var b strings.Builder
			a.writeDiags(&b, e, d.Diags, false)
			return strings.TrimRight(b.String(), "\n")
		}
		return err.Error()
	}
}

// fail turns an error from below into the command's exit: configuration
// errors are printed with snippets.
func (a *app) fail(e *ops.Engine, err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	if d, ok := ops.IsConfigError(err); ok && e != nil {
		a.printDiags(e, d.Diags)
		return exitCode(1)
	}
	return &exitError{code: 1, err: err}
}

// confirm asks before a command that changes or releases state (what
// names it); without a terminal there is no one to ask, so it refuses.
func (a *app) confirm(what, question string) error {
	if err := a.canConfirm(what); err != nil {
		return err
	}
	ok, err := a.streams.Confirm(question)
	if err != nil || !ok {
		return &exitError{code: 1, err: fmt.Errorf("%s cancelled", what)}
	}
	return nil
}

// canConfirm refuses, before any work, a command that will need a yes
// when no terminal is attached to answer it.
func (a *app) canConfirm(what string) error {
	if a.inCI() {
		return &exitError{code: 1, err: fmt.Errorf("%s asks nothing in CI (CI=true), where no one can answer: give --auto-approve%s", what, ciApplyHint(what))}
	}
	if !a.streams.InIsTerminal() {
		return &exitError{code: 1, err: fmt.Errorf("%s needs --auto-approve (or STACKCTL_AUTO_APPROVE=true) when no terminal is attached: there is no one to confirm it", what)}
	}
	return nil
}
