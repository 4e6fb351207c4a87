package terraform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	_, err := w.run(ctx, args, w.out)
	return rawError(err, args)
}

// run starts terraform with args in the working folder the way
// terraform-exec does (the session's environment, stdout and stderr to
// the unit's writer, SIGINT on cancel and a kill only after WaitDelay),
// with its stdout to stdout,
// but without the `terraform version` check terraform-exec runs first
// in every working folder: the session learnt the version once, and on a
// cold tree that check was a second process per unit. It returns what
// terraform wrote to stderr, for the error.
func (w *Workdir) run(ctx context.Context, args []string, stdout io.Writer) (stderr string, err error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	cmd := exec.Command(w.s.Binary.Path, args...)
	cmd.Dir = w.Dir
	env := make([]string, 0, len(w.s.env)+2)
	for k, v := range w.s.env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	cmd.Env = append(env, "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	// Read only after Wait, which returns once exec's copying of stderr
	// is done: no lock needed.
	var errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, io.MultiWriter(w.out, &errBuf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting terraform: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return errBuf.String(), err
	case <-ctx.Done():
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-done:
			return errBuf.String(), fmt.Errorf("%w: %v", ctx.Err(), err)
		case <-timer(WaitDelay):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			return errBuf.String(), ctx.Err()
		}
	}
}

// runStep runs terraform like run and returns its failure as
// terraform-exec would: the exit status followed by what terraform wrote
// to stderr, which classify reads.
func (w *Workdir) runStep(ctx context.Context, args []string, stdout io.Writer) error {
	stderr, err := w.run(ctx, args, stdout)
	if err == nil {
		return nil
	}
	if stderr != "" {
		err = fmt.Errorf("%w\n%s", err, stderr)
	}
	return classify(args[0], err)
}

func rawError(err error, args []string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return classify(args[0], err)
	}
	return classify(args[0], fmt.Errorf("terraform %v: %w (its output is above and in the unit's log)", args, err))
}

func timer(d time.Duration) <-chan time.Time { return time.After(d) }
