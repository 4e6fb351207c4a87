package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
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
	waited := e.opts.LockTimeout
	if waited == "" {
		waited = "0s"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if b, oerr := e.States.Open(ctx, u.Backend); oerr == nil {
		if l, ok := b.(lockReader); ok {
			li, lerr := l.LockInfo(ctx)
			switch {
			case lerr == nil && li == nil:
				// Gone by now: no lock to release, just try again.
				who := "another run"
				if holder != nil {
					who = holder.String()
				}
				return fmt.Errorf("the state of %s was %s until after --lock-timeout %s ran out; it has been released meanwhile: run again", u.Path, strings.TrimPrefix(who, "locked by "), waited)
			case lerr == nil:
				holder = li
			}
		}
	}
	if holder == nil {
		return fmt.Errorf("the state of %s is locked by another run; gave up after --lock-timeout %s. Wait for it to finish, or raise --lock-timeout", u.Path, waited)
	}
	return fmt.Errorf("the state of %s is %s; gave up after --lock-timeout %s. Wait for that run to finish; if it died, release the lock with: stackctl force-unlock %s --unit %s %s",
		u.Path, holder, waited, e.Env(), u.Path, orPlaceholder(holder.ID))
}

// lockReader is a backend that can tell who holds its lock.
type lockReader interface {
	LockInfo(ctx context.Context) (*state.LockInfo, error)
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
	l, ok := b.(lockReader)
	if !ok {
		return nil, b.Describe(), nil
	}
	li, err := l.LockInfo(ctx)
	return li, b.Describe(), err
}

// ErrHeldByProcess is a local state lock that a running process holds: it
// ends with that process, and no one can release it for it.
var ErrHeldByProcess = errors.New("held by a running process")

// ForceUnlock releases lock lockID of u's state through terraform, which
// knows every backend's lock format; the working folder is initialised
// first if it never was. Local state is different: its lock is an fcntl
// lock of the holding process, gone when that process ends, so what can be
// left behind is only the lock info file — removed here once the lock is
// seen to be free — and a lock of a live process cannot be forced.
func (e *Engine) ForceUnlock(ctx context.Context, u *config.Unit, lockID string) error {
	if u.Backend.Type == config.BackendLocal {
		return forceUnlockLocal(ctx, local.New(u.Backend.String("path")))
	}
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

// lockWait runs a terraform step that takes the state lock until it
// succeeds, fails otherwise, or --lock-timeout is really spent. Terraform
// retries a lock at about 0, 1, 3, 7 and 15 s and gives up after its last
// retry, so -lock-timeout=30s alone may give up after 15 s, and its gaps
// grow: each attempt here gets at most a few seconds of the timeout, so no
// gap is longer than that.
func (u *Unit) lockWait(ctx context.Context, run func(lockTimeout string) error) error {
	total, _ := time.ParseDuration(u.e.opts.LockTimeout)
	if total <= 0 {
		return run(u.e.opts.LockTimeout)
	}
	deadline := time.Now().Add(total)
	for {
		left := time.Until(deadline)
		err := run(min(left, lockSlice).Round(time.Second).String())
		var le *terraform.LockedError
		if err == nil || !errors.As(err, &le) {
			return err
		}
		left = time.Until(deadline)
		if left < time.Second || ctx.Err() != nil {
			return err
		}
		who := "another run"
		if le.Lock != nil {
			who = le.Lock.Who
		}
		fmt.Fprintf(u.Output(), "stackctl: the state of %s is still locked by %s; trying again (%s of --lock-timeout left)\n", u.Path(), who, left.Round(time.Second))
	}
}

// lockSlice is the longest single wait for a lock handed to terraform.
const lockSlice = 4 * time.Second

func forceUnlockLocal(ctx context.Context, b *local.Backend) error {
	probe := state.NewLockInfo("stackctl force-unlock")
	if err := b.Lock(ctx, probe); err != nil {
		var le *state.LockedError
		if errors.As(err, &le) {
			return fmt.Errorf("the lock of %s is %w: terraform's local lock ends when the process that holds it ends (stop that run, or wait for it), and cannot be released for it", b.Describe(), ErrHeldByProcess)
		}
		return err
	}
	// The lock was free: the info file was a leftover of a run that died.
	// Unlock removes it.
	return b.Unlock(ctx, probe.ID)
}
