package terraform

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/state"
)

// Error is a terraform command that failed: which step, and what terraform
// said (its whole output is in the unit's log). Callers classify failures
// with errors.Is and errors.As, never by matching text: terraform-exec's own
// cancellation error answers errors.Is(err, context.Canceled), and the
// kinds below are recognised here, once.
type Error struct {
	Step string
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Summary is terraform's first "Error:" line, or the first line of the
// failure when it printed none.
func (e *Error) Summary() string {
	msg := e.Err.Error()
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(line, "│╷╵ "))
		if strings.HasPrefix(line, "Error: ") {
			return strings.TrimPrefix(line, "Error: ")
		}
	}
	first, _, _ := strings.Cut(msg, "\n")
	return first
}

// LockedError is terraform giving up on a state lock held by someone else.
// Lock is the holder as terraform printed it (nil when it printed none).
type LockedError struct {
	Lock *state.LockInfo
	Err  error
}

func (e *LockedError) Error() string { return e.Err.Error() }
func (e *LockedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, state.ErrLocked) hold for terraform's lock
// failures as for stackctl's own.
func (e *LockedError) Is(target error) bool { return target == state.ErrLocked }

// ErrNotInitialized: the working folder needs `terraform init` first.
var ErrNotInitialized = errors.New("terraform init needed")

type notInitError struct{ err error }

func (e notInitError) Error() string        { return e.err.Error() }
func (e notInitError) Unwrap() error        { return e.err }
func (e notInitError) Is(target error) bool { return target == ErrNotInitialized }

// classify wraps a terraform-exec error in the kinds callers ask about.
func classify(step string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Step: step, Err: err}
	}
	text := err.Error()
	switch {
	case strings.Contains(text, "Error acquiring the state lock"):
		err = &LockedError{Lock: lockFromText(text), Err: err}
	case strings.Contains(text, "Backend initialization required"),
		strings.Contains(text, "Module not installed"),
		strings.Contains(text, "Required plugins are not installed"),
		strings.Contains(text, "Inconsistent dependency lock file"):
		err = notInitError{err}
	}
	return &Error{Step: step, Err: err}
}

var lockLine = regexp.MustCompile(`(?m)^[\s│]*(ID|Path|Operation|Who|Version|Created|Info):[ \t]*(.*)$`)

// lockFromText reads the "Lock Info:" block terraform prints. It is the one
// place that reads terraform's text about locks: the holder is in no
// machine-readable form there.
func lockFromText(text string) *state.LockInfo {
	i := strings.Index(text, "Lock Info:")
	if i < 0 {
		return nil
	}
	l := &state.LockInfo{}
	for _, m := range lockLine.FindAllStringSubmatch(text[i:], -1) {
		v := strings.TrimSpace(m[2])
		switch m[1] {
		case "ID":
			l.ID = v
		case "Path":
			l.Path = v
		case "Operation":
			l.Operation = v
		case "Who":
			l.Who = v
		case "Version":
			l.Version = v
		case "Created":
			// Go's time.String layout, which terraform uses here.
			if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", v); err == nil {
				l.Created = t
			}
		}
	}
	if l.ID == "" && l.Who == "" {
		return nil
	}
	return l
}
