package cli

import (
	"context"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

// execOptions are `stackctl run`'s.
type execOptions struct {
	runOptions
}

func (a *app) execCommand(runF func(*execOptions) error) *ucli.Command {
	cmd := a.runCommand("run", "run any terraform command in every unit, in dependency order", nil)
	cmd.ArgsUsage = "ENV -- TERRAFORM ARGS"
	cmd.Flags = append(cmd.Flags, autoApproveFlag())
	cmd.Description = `Runs terraform with the arguments after "--" in every selected unit, in dependency order,
each in its working folder with its backend, generated files and inputs in place (dependency
outputs read from state where they exist). Each unit's output is shown (after the live view on
a terminal) and logged under .stackctl/logs/<env>/<unit>/run.log. Commands that change state or
infrastructure (apply, destroy, import, refresh, taint, untaint, state mv/rm/push, …) need
--auto-approve: stackctl cannot show their plan first.

Examples:
  stackctl run dev -- state list
  stackctl run prod --unit database -- providers
  stackctl run dev -u network --auto-approve -- state rm aws_eip.nat`
	cmd.Action = func(c *ucli.Context) error {
		o := &execOptions{runOptions{
			Command: "run", JSON: c.Bool("json"), Parallelism: c.Int("parallelism"), LockTimeout: c.String("lock-timeout"),
			StallTimeout: c.Duration("stall-timeout"), Stream: c.Bool("stream"), AutoApprove: c.Bool("auto-approve"), PassThrough: a.passThrough,
		}}
		o.fill(a, c)
		if runF != nil {
			return runF(o)
		}
		return a.runExec(c.Context, o)
	}
	return cmd
}

func (a *app) runExec(ctx context.Context, o *execOptions) error {
	args := o.PassThrough
	o.PassThrough = nil
	if err := o.check(); err != nil {
		return err
	}
	if len(args) == 0 {
		return &exitError{code: 1, err: fmt.Errorf("run needs the terraform command after \"--\": stackctl run %s -- state list", orEnv(o.Env))}
	}
	if ops.Writes(args) && !o.AutoApprove {
		return &exitError{code: 1, err: fmt.Errorf("terraform %s changes state or infrastructure, and stackctl cannot show what it will do first: add --auto-approve to run it across units (or use stackctl apply/destroy, which show their plans)", strings.Join(args, " "))}
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{LockTimeout: o.LockTimeout, StallTimeout: o.StallTimeout})
	if err != nil {
		return err
	}
	if a.nothingChanged(e) {
		return a.writeNothing(e, &o.runOptions)
	}
	res, progress, err := a.execute(ctx, e, &o.runOptions, ops.RunCommand(args), report.ProgressOptions{Command: "run"})
	if err != nil {
		return err
	}
	a.writeResult(e, &o.runOptions, res, progress)
	if res.Failed() {
		return exitCode(1)
	}
	return nil
}

func orEnv(env string) string {
	if env == "" {
		return "ENV"
	}
	return env
}
