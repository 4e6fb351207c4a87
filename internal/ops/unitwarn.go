package ops

// What a unit says besides terraform's output: warnings repeated once in
// the summary, and failures as one masked line.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/redact"
	"github.com/stackctl/stackctl/internal/terraform"
)

// warnUndeclaredSensitive names every secret input the module receives in
// a variable it does not declare sensitive: terraform would print it in
// plans and errors. stackctl masks it in everything it shows, but other
// tools reading the plan would not.
func (u *Unit) warnUndeclaredSensitive(ignored []string) {
	skip := map[string]bool{}
	for _, n := range ignored {
		skip[n] = true
	}
	for _, in := range u.inputs {
		if skip[in.Name] || !in.Sensitive() || u.wd.VariableSensitive(in.Name) {
			continue
		}
		u.Warn(fmt.Sprintf("input %q (%s) carries a sensitive value, but the module's variable %q is not declared sensitive = true: terraform may print it (stackctl masks it); declare the variable sensitive", in.Name, diag.At(in.Range), in.Name))
	}
}

// warnIgnored mentions inputs set in unit.hcl that the module does not
// declare: likely typos. Root and env inputs are shared by modules that do
// not all declare them, so those stay quiet.
func (u *Unit) warnIgnored(ignored []string) {
	layer := map[string]config.Layer{}
	for _, in := range u.inputs {
		layer[in.Name] = in.Layer
	}
	for _, name := range ignored {
		switch layer[name] {
		case config.LayerUnit:
			u.Warn(fmt.Sprintf("input %q is set in unit.hcl but the module declares no variable %q; it is not passed", name, name))
		case config.LayerInclude:
			u.Warn(fmt.Sprintf("input %q is set in the unit's shared definition but the module declares no variable %q; it is not passed", name, name))
		}
	}
}

// warningWatch notices the terraform warnings that are said once per run
// in the summary instead of once per unit in the output.
type warningWatch struct {
	mu   sync.Mutex
	seen map[string]bool
	buf  []byte
}

// knownWarnings maps a terraform warning heading to what the summary says.
var knownWarnings = map[string]string{
	"Warning: Incomplete lock file information for providers": "terraform: the dependency lock file lists provider checksums for this platform only (Incomplete lock file information); run `stackctl providers lock ENV --platform OS_ARCH` for the other platforms you use and commit the lock files",
}

func (w *warningWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSpace(strings.TrimLeft(string(w.buf[:i]), "│╷╵ "))
		w.buf = w.buf[i+1:]
		if msg, ok := knownWarnings[line]; ok {
			if w.seen == nil {
				w.seen = map[string]bool{}
			}
			w.seen[msg] = true
		}
	}
	return len(p), nil
}

func (w *warningWatch) found() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.seen))
	for m := range w.seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// UnitError is a unit's failure: one line for the summary, secrets masked,
// with the error it came from for errors.Is/As.
type UnitError struct {
	Message string
	Err     error
}

func (e *UnitError) Error() string { return e.Message }

func (e *UnitError) Unwrap() error { return e.Err }

// Fail turns a terraform error into the unit's failure: a lock that could
// not be acquired names its holder; an input terraform rejected points at
// the stackctl file that set it; anything else is terraform's first
// "Error:" line, secrets masked (the whole output is in the unit's log).
func (u *Unit) Fail(err error) error {
	if err == nil {
		return nil
	}
	errored := u.keepErrored()
	var ue *UnitError
	if errors.As(err, &ue) {
		return err
	}
	if _, ok := IsConfigError(err); ok {
		return err
	}
	if lerr := u.e.lockError(u.Config, err); lerr != nil {
		return &UnitError{Message: lerr.Error(), Err: err}
	}
	if d := u.inputError(err); d != nil {
		return d
	}
	var te *terraform.Error
	step := "run"
	summary := err.Error()
	if errors.As(err, &te) {
		step, summary = te.Step, te.Summary()
	}
	msg := fmt.Sprintf("terraform %s failed: %s", step, summary)
	if errors.Is(err, context.Canceled) {
		msg = fmt.Sprintf("terraform %s interrupted", step)
		if s := u.stalledMessage(); s != "" {
			msg = fmt.Sprintf("terraform %s %s; it was stopped (raise --stall-timeout if it needs longer in silence)", step, s)
		}
	}
	return &UnitError{Message: u.mask(msg) + errored, Err: err}
}

// mask masks the unit's secrets in s: those of its inputs and those its
// output writer learned from terraform's own lines.
func (u *Unit) mask(s string) string {
	if u.out != nil {
		return u.out.Mask(s)
	}
	return redact.String(s, u.secrets)
}
