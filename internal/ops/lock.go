package ops

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

const lockFailure = "Error acquiring the state lock"

// lockError turns terraform's "Error acquiring the state lock" into who
// holds the lock, since when, and what to do; nil for any other error.
// The holder is read from the backend (the lock may be gone by now, so
// terraform's own Lock Info block is the fallback).
func (e *Engine) lockError(u *config.Unit, err error) error {
	text := err.Error()
	if !strings.Contains(text, lockFailure) {
		return nil
	}
	holder := lockFromText(text)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if b, oerr := e.States.Open(ctx, u.Backend); oerr == nil {
		if l, ok := b.(state.Locker); ok {
			if li, lerr := l.LockInfo(ctx); lerr == nil && li != nil {
				holder = li
			}
		}
	}
	waited := e.LockTimeout
	if waited == "" {
		waited = "0s"
	}
	if holder == nil {
		return fmt.Errorf("the state of %s is locked by another run; gave up after --lock-timeout %s. Wait for it to finish, or raise --lock-timeout", u.Path, waited)
	}
	return fmt.Errorf("the state of %s is %s; gave up after --lock-timeout %s. Wait for that run to finish; if it died, release the lock with: stackctl force-unlock %s --unit %s %s",
		u.Path, holder, waited, e.Stack.Env.Name, u.Path, orPlaceholder(holder.ID))
}

var lockLine = regexp.MustCompile(`(?m)^[\s│]*(ID|Path|Operation|Who|Version|Created|Info):[ \t]*(.*)$`)

// lockFromText reads the "Lock Info:" block terraform prints.
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

func orPlaceholder(id string) string {
	if id == "" {
		return "LOCK_ID"
	}
	return id
}

// ForceUnlock releases lock lockID of u's state through terraform, which
// knows every backend's lock format; the working folder is initialised
// first if it never was.
func (e *Engine) ForceUnlock(ctx context.Context, u *config.Unit, lockID string) error {
	wd, err := e.Session.Prepare(ctx, e.Stack.Env.Name, u, io.Discard)
	if err != nil {
		return err
	}
	if _, err := wd.EnsureInit(ctx, true); err != nil {
		return fmt.Errorf("terraform init in %s: %w", u.Path, err)
	}
	if err := wd.ForceUnlock(ctx, lockID); err != nil {
		return fmt.Errorf("terraform force-unlock: %w", err)
	}
	return nil
}
