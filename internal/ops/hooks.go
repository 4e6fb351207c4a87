package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
)

// hooked runs a terraform step with the unit's hooks around it: before
// hooks first (one that fails fails the unit, and the step does not run);
// then, when the step failed, the error hooks whose patterns match its
// error; after hooks on success, or also on failure with run_on_error.
// Hooks run in the unit's working folder with terraform's environment plus
// STACKCTL_ENV, STACKCTL_UNIT and STACKCTL_STEP; their output goes to the
// unit's log, masked like terraform's.
func (u *Unit) hooked(ctx context.Context, step string, run func() error) error {
	hooks := u.Config.Hooks
	if len(hooks) == 0 {
		return run()
	}
	for _, h := range hooks {
		if h.Kind == config.BeforeHook && h.Applies(step) {
			if err := u.runHook(ctx, h, step); err != nil {
				return err
			}
		}
	}
	stepErr := run()
	if stepErr != nil {
		for _, h := range hooks {
			if h.Kind == config.ErrorHook && h.Applies(step) && answers(h, stepErr) {
				if err := u.runHook(ctx, h, step); err != nil {
					u.Warn(err.Error())
				}
			}
		}
	}
	for _, h := range hooks {
		if h.Kind == config.AfterHook && h.Applies(step) && (stepErr == nil || h.RunOnError) {
			if err := u.runHook(ctx, h, step); err != nil && stepErr == nil {
				return err
			}
		}
	}
	return stepErr
}

func answers(h config.Hook, err error) bool {
	if len(h.OnErrors) == 0 {
		return true
	}
	// terraform wraps long messages across lines; patterns are written
	// for the message, not for where the lines broke.
	text := strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(err.Error())), " ")
	for _, re := range h.OnErrors {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

// runHook runs one hook; an interrupt reaches it as SIGINT.
func (u *Unit) runHook(ctx context.Context, h config.Hook, step string) error {
	label := fmt.Sprintf("%s %q", h.Kind, h.Name)
	u.Step(fmt.Sprintf("%s (%s)", step, h.Kind))
	out := u.Output()
	when := "after"
	if h.Kind == config.BeforeHook {
		when = "before"
	}
	fmt.Fprintf(out, "stackctl: %s %s terraform %s: %s\n", label, when, step, strings.Join(h.Execute, " "))
	cmd := exec.Command(h.Execute[0], h.Execute[1:]...)
	cmd.Dir = u.wd.Dir
	cmd.Env = append(u.wd.Environ(), "STACKCTL_ENV="+u.e.Env(), "STACKCTL_UNIT="+u.Path(), "STACKCTL_STEP="+step, "STACKCTL_HOOK="+h.Name)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return &UnitError{Message: fmt.Sprintf("%s (%s) could not start: %v", label, diagAt(h), err), Err: err}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err = <-done:
		case <-time.After(time.Minute):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			err = <-done
		}
		err = errors.Join(ctx.Err(), err)
	}
	if err != nil {
		return &UnitError{Message: fmt.Sprintf("%s (%s) failed: %v; its output is in the unit's log", label, diagAt(h), err), Err: err}
	}
	return nil
}

func diagAt(h config.Hook) string { return diag.At(h.Range) }
