package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/surgery"
)

// settlePending finishes or rolls back what an interrupted state
// transaction left in the environment, before a command that reads or
// writes state: on a terminal after asking, with --auto-approve at once.
// Strict commands (those that write) refuse to go on while one is left;
// the others warn.
func (a *app) settlePending(ctx context.Context, o commonOptions, autoApprove, strict bool) error {
	_, err := a.settle(ctx, o, autoApprove, strict)
	return err
}

// settle is settlePending that says how many journals it found.
func (a *app) settle(ctx context.Context, o commonOptions, autoApprove, strict bool) (int, error) {
	if o.Env == "" {
		return 0, nil
	}
	root, diags := config.NewLoader(config.Options{Dir: a.cwd, RootDir: o.Root, Getenv: a.getenv}).Root()
	if diags.HasErrors() {
		return 0, nil // the command reports the configuration itself
	}
	ps, err := surgery.FindPending(root.Dir, o.Env)
	if err != nil {
		return 0, &exitError{code: 1, err: fmt.Errorf("reading the state transaction journals of %s: %w", o.Env, err)}
	}
	defer func() {
		for _, p := range ps {
			p.Close()
		}
	}()
	warn := a.streams.ErrOut
	for _, p := range ps {
		if p.Running {
			if strict {
				return len(ps), &exitError{code: 1, err: fmt.Errorf("%s: wait for it to finish (its states are locked)", p.Describe())}
			}
			fmt.Fprintf(warn, "stackctl: warning: %s.\n", p.Describe())
			continue
		}
		fmt.Fprintf(warn, "stackctl: %s.\n", p.Describe())
		if !autoApprove {
			if !a.streams.InIsTerminal() {
				hint := fmt.Sprintf("run `stackctl state recover %s --auto-approve` (or this command with --auto-approve)", o.Env)
				if !strict {
					fmt.Fprintf(warn, "stackctl: warning: what it wrote is left as it is until then: %s.\n", hint)
					continue
				}
				return len(ps), &exitError{code: 1, err: fmt.Errorf("it must be settled first, and no terminal is attached to ask: %s", hint)}
			}
			ok, err := a.streams.ConfirmContext(ctx, "Recover it now?")
			if err != nil || !ok {
				if strict {
					return len(ps), &exitError{code: 1, err: fmt.Errorf("not recovered: it must be settled before this command runs (stackctl state recover %s)", o.Env)}
				}
				continue
			}
		}
		rec, err := surgery.Recover(ctx, p, root.Dir, surgery.OpenerFor(root.Dir, o.Env))
		if err != nil {
			return len(ps), &exitError{code: 1, err: err}
		}
		rec.Write(warn, o.Env)
	}
	return len(ps), nil
}

// settleErrored deals with errored states terraform left for the
// selected units before an apply or destroy: applying over a state that
// lacks what terraform created would create it twice. They are pushed
// (as state push-errored does) after asking, or at once with
// --auto-approve; otherwise the command refuses, naming the push command.
func (a *app) settleErrored(ctx context.Context, e *ops.Engine, autoApprove, strict bool, parallelism int) error {
	kept, err := surgery.ListErrored(e.Stack.Root.Dir, e.Env(), e.Ordered())
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	newest := map[string]*surgery.ErroredState{}
	var order []string
	for _, k := range kept {
		if newest[k.Unit] == nil {
			order = append(order, k.Unit)
		}
		newest[k.Unit] = k
	}
	warn := a.streams.ErrOut
	for _, u := range order {
		k := newest[u]
		push := fmt.Sprintf("stackctl state push-errored %s --unit %s", e.Env(), u)
		fmt.Fprintf(warn, "stackctl: terraform could not save the state of %s (it is kept in %s, serial %d, %d resource instance(s)).\n",
			u, e.Stack.Display(k.Path), k.Serial, k.Resources)
		if !strict {
			fmt.Fprintf(warn, "stackctl: warning: the stored state of %s lacks it until it is pushed: %s\n", u, push)
			continue
		}
		if !autoApprove {
			if !a.streams.InIsTerminal() {
				return &exitError{code: 1, err: fmt.Errorf("push it first: `%s` (or run this command with --auto-approve to push it now)", push)}
			}
			ok, err := a.streams.ConfirmContext(ctx, "Push it now (locked, lineage and serial checked, backed up, verified with a plan)?")
			if err != nil || !ok {
				return &exitError{code: 1, err: fmt.Errorf("not pushed: push it before applying %s: %s", u, push)}
			}
		}
		env := ops.NewSurgeryEnv(e, ops.RunOptions{Parallelism: parallelism})
		s, err := surgery.PreparePushErrored(ctx, env, surgery.PushOptions{Unit: u, Command: push})
		if errors.Is(err, surgery.ErrNothingToDo) {
			fmt.Fprintf(warn, "stackctl: %v\n", err)
			continue
		}
		if err != nil {
			return &exitError{code: 1, err: err}
		}
		progress := report.NewProgress(report.ProgressOptions{Command: "plan", LogName: "state-push-errored-verify", Env: e.Env(), LogDir: a.logDir(e), Term: io.Discard})
		env.SetRun(ops.RunOptions{Parallelism: parallelism, Observer: progress})
		rep, err := s.Run(ctx, warn)
		progress.Close()
		if err != nil {
			return &exitError{code: 1, err: err}
		}
		rep.WriteDone(warn)
	}
	return nil
}
