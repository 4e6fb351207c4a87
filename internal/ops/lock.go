package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/terraform"
)

// lockError turns terraform giving up on a state lock into who holds the
// lock, since when, and what to do; nil for any other error. The holder is
// read from the backend (the lock may be gone by now, so terraform's own
// Lock Info block is the fallback).
func (e *Engine) lockError(u *config.Unit, err error) error {
	var le *terraform.LockedError
	if !errors.As(err, &le) {
		return nil
	}
	holder := le.Lock
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if b, oerr := e.States.Open(ctx, u.Backend); oerr == nil {
		if l, ok := b.(state.Locker); ok {
			if li, lerr := l.LockInfo(ctx); lerr == nil && li != nil {
				holder = li
			}
		}
	}
	waited := e.opts.LockTimeout
	if waited == "" {
		waited = "0s"
	}
	if holder == nil {
		return fmt.Errorf("the state of %s is locked by another run; gave up after --lock-timeout %s. Wait for it to finish, or raise --lock-timeout", u.Path, waited)
	}
	return fmt.Errorf("the state of %s is %s; gave up after --lock-timeout %s. Wait for that run to finish; if it died, release the lock with: stackctl force-unlock %s --unit %s %s",
		u.Path, holder, waited, e.Env(), u.Path, orPlaceholder(holder.ID))
}

func orPlaceholder(id string) string {
	if id == "" {
		return "LOCK_ID"
	}
	return id
}

// LockHolder returns who holds the lock of u's state now (nil when it is
// not locked), and the backend's description.
func (e *Engine) LockHolder(ctx context.Context, u *config.Unit) (*state.LockInfo, string, error) {
	b, err := e.States.Open(ctx, u.Backend)
	if err != nil {
		return nil, "", err
	}
	l, ok := b.(state.Locker)
	if !ok {
		return nil, b.Describe(), nil
	}
	li, err := l.LockInfo(ctx)
	return li, b.Describe(), err
}

// ForceUnlock releases lock lockID of u's state through terraform, which
// knows every backend's lock format; the working folder is initialised
// first if it never was.
func (e *Engine) ForceUnlock(ctx context.Context, u *config.Unit, lockID string) error {
	tf, err := e.Terraform(ctx)
	if err != nil {
		return err
	}
	wd, err := tf.Prepare(ctx, e.Env(), u, io.Discard)
	if err != nil {
		return err
	}
	defer wd.Close()
	if _, err := wd.EnsureInit(ctx, true); err != nil {
		return fmt.Errorf("terraform init in %s: %w", u.Path, err)
	}
	if err := wd.ForceUnlock(ctx, lockID); err != nil {
		return fmt.Errorf("terraform force-unlock: %w", err)
	}
	return nil
}
