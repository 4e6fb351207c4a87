package terraform

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"syscall"
	"time"
)

// Raw runs terraform with the given arguments in the working folder, with
// the session's environment (its CLI configuration, no update checks) and
// output to the unit's writer: for `stackctl run`, whatever terraform
// command a user needs across units. An interrupt reaches terraform as
// SIGINT, as with every other command.
func (w *Workdir) Raw(ctx context.Context, args []string) error {
	if err := w.learnVersion(ctx); err != nil {
		return err
	}
	cmd := exec.Command(w.s.Binary.Path, args...)
	cmd.Dir = w.Dir
	env := make([]string, 0, len(w.s.env)+1)
	for k, v := range w.s.env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	cmd.Env = append(env, "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	cmd.Stdout, cmd.Stderr = w.out, w.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting terraform: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return rawError(err, args)
	case <-ctx.Done():
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-done:
			return &Error{Step: args[0], Err: fmt.Errorf("%w: %v", ctx.Err(), err)}
		case <-timer(WaitDelay):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			return &Error{Step: args[0], Err: ctx.Err()}
		}
	}
}

func rawError(err error, args []string) error {
	if err == nil {
		return nil
	}
	return classify(args[0], fmt.Errorf("terraform %v: %w (its output is above and in the unit's log)", args, err))
}

func timer(d time.Duration) <-chan time.Time { return time.After(d) }
