package surgery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// Pending is a transaction's journal found in an environment: one that is
// running now (Running), or one left by a run that died.
type Pending struct {
	Dir       string    `json:"journal"`
	Operation string    `json:"operation"`
	Env       string    `json:"env"`
	Command   string    `json:"command,omitempty"`
	Phase     string    `json:"phase"`
	Reason    string    `json:"reason,omitempty"`
	Started   time.Time `json:"started"`
	PID       int       `json:"pid"`
	Who       string    `json:"who"`
	Units     []string  `json:"units"`
	Running   bool      `json:"running"`

	j *journal
}

// FindPending lists the journals of an environment. One not Running is
// held by the caller until Close, so that two commands never recover the
// same one.
func FindPending(root, env string) ([]*Pending, error) {
	dirs, err := listJournals(root, env)
	if err != nil {
		return nil, err
	}
	var out []*Pending
	for _, dir := range dirs {
		j, err := loadJournal(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // finished meanwhile
		}
		if err != nil {
			return nil, err
		}
		p := &Pending{Dir: dir, Operation: j.Operation, Env: j.Env, Command: j.Command, Phase: j.Phase, Reason: j.Reason,
			Started: j.Started, PID: j.PID, Who: j.Who, j: j}
		for _, s := range j.States {
			p.Units = append(p.Units, s.Unit)
		}
		switch err := j.takeLock(); {
		case errors.Is(err, errBusy):
			p.Running = true
		case err != nil:
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Close lets go of the journal (found but not recovered).
func (p *Pending) Close() {
	if p != nil && p.j != nil {
		p.j.release()
	}
}

// Finishes reports whether recovery completes the transaction (it was
// verified and committed) rather than undoing it.
func (p *Pending) Finishes() bool { return p.Phase == phaseCommitted }

// Describe says what was interrupted and what recovery does about it.
func (p *Pending) Describe() string {
	what := p.j.describe()
	if p.Running {
		return "a " + what + " is running"
	}
	switch p.Phase {
	case phaseLocking:
		return "an interrupted " + what + " left its locks (it had written nothing): recovering releases them"
	case phaseCommitted:
		return "an interrupted " + what + " had written and verified every change: recovering finishes it (" + p.leftToDo() + ")"
	case phaseRollingBack:
		return "an interrupted " + what + " was rolling back (" + p.Reason + "): recovering finishes the rollback, so that every state and file is as before"
	default:
		return "an interrupted " + what + " had not been verified: recovering rolls it back, so that every state and file is as before"
	}
}

func (p *Pending) leftToDo() string {
	var del []string
	for _, s := range p.j.States {
		if s.Delete {
			del = append(del, s.Unit+"'s old state")
		}
	}
	if len(del) == 0 {
		return "releasing its locks"
	}
	return "deleting " + strings.Join(del, ", ") + " and releasing its locks"
}

// Opener opens a unit's store from the backend settings a journal keeps.
type Opener func(ctx context.Context, unit string, b config.Backend) (state.Store, *state.Backups, error)

// Recovered is what recovery did.
type Recovered struct {
	Operation string   `json:"operation"`
	Action    string   `json:"action"` // "rolled back", "finished", "released"
	Done      []string `json:"done"`
}

// Recover finishes or rolls back a pending transaction that is not
// running: it takes over the transaction's locks (its own lock IDs are in
// the journal; a lock held by anyone else stops it), then rolls forward a
// committed one (deleting what was to be deleted) or restores every state
// and file written, and releases the locks and the journal.
func Recover(ctx context.Context, p *Pending, root string, open Opener) (*Recovered, error) {
	return recoverWith(ctx, p, root, open, testHook)
}

func recoverWith(ctx context.Context, p *Pending, root string, open Opener, step func(string)) (*Recovered, error) {
	if p.Running {
		return nil, fmt.Errorf("%s: wait for it to finish", p.Describe())
	}
	j := p.j
	rec := &Recovered{Operation: j.Operation}
	targets := make([]*Target, len(j.States))
	locks := make([]*state.LockInfo, len(j.States))
	held := 0
	unlock := func() {
		for i := held - 1; i >= 0; i-- {
			_ = targets[i].Store.Unlock(context.WithoutCancel(ctx), locks[i].ID)
		}
	}
	for i, js := range j.States {
		b, err := js.Backend.backend()
		if err != nil {
			unlock()
			return nil, fmt.Errorf("journal %s: %s: %w", j.dir, js.Unit, err)
		}
		st, bk, err := open(ctx, js.Unit, b)
		if err != nil {
			unlock()
			return nil, fmt.Errorf("opening the state of %s (%s): %w", js.Unit, js.Where, err)
		}
		targets[i] = &Target{Unit: js.Unit, Backend: b, Store: st, Backups: bk}
		locks[i] = state.NewLockInfo("stackctl recover (" + j.Operation + ")")
		if err := takeOver(ctx, st, js.LockID, locks[i]); err != nil {
			unlock()
			return nil, fmt.Errorf("recovering the %s: %w", j.describe(), lockFailed(targets[i], err))
		}
		held = i + 1
	}
	step("recover:locked")
	switch j.Phase {
	case phaseLocking:
		rec.Action = "released"
		rec.Done = append(rec.Done, "released the locks of "+unitsOf(targets)+" (nothing had been written)")
	case phaseCommitted:
		rec.Action = "finished"
		for i, js := range j.States {
			if !js.Delete {
				continue
			}
			snap, err := targets[i].Store.ReadRaw(ctx)
			if err != nil {
				return nil, err
			}
			before, err := j.read(js.Before)
			if err != nil {
				return nil, err
			}
			switch {
			case snap.Data == nil:
			case bytes.Equal(snap.Data, before):
				if _, err := state.Delete(ctx, targets[i].Store, targets[i].Backups, locks[i]); err != nil {
					return nil, fmt.Errorf("deleting the old state of %s: %w", js.Unit, err)
				}
				rec.Done = append(rec.Done, "deleted the old state of "+js.Unit+" ("+js.Where+")")
				step("recover:deleted:" + js.Unit)
			default:
				return nil, fmt.Errorf("the old state of %s (%s) was changed by someone else since: it is left as it is, and so is the journal %s", js.Unit, js.Where, j.dir)
			}
		}
		rec.Done = append(rec.Done, "released the locks of "+unitsOf(targets))
	default:
		rec.Action = "rolled back"
		reason := j.Reason
		if reason == "" {
			reason = "the run was interrupted before its changes were verified"
		}
		restored, err := rollback(ctx, j, root, targets, locks, reason, step)
		if err != nil {
			return nil, err
		}
		rec.Done = append(rec.Done, restored...)
		if len(restored) == 0 {
			rec.Done = append(rec.Done, "nothing had been written yet")
		}
	}
	unlock()
	step("recover:unlocked")
	if err := j.remove(); err != nil {
		return rec, fmt.Errorf("removing the journal %s: %w", j.dir, err)
	}
	return rec, nil
}

// takeOver takes a lock that the journal's run may still hold: its own
// stale lock (an S3 lock file or DynamoDB item outlives the process) is
// released first; a local lock died with the process.
func takeOver(ctx context.Context, s state.Store, oldID string, lock *state.LockInfo) error {
	if cur, err := s.LockInfo(ctx); err == nil && cur != nil && cur.ID == oldID {
		_ = s.Unlock(ctx, oldID) // a local backend's is gone already
	}
	return s.Lock(ctx, lock)
}

// rollback undoes what a transaction wrote, whatever it got to: files
// (back to their content before), folder moves (renamed back), states
// (Before's content at the next serial, or deleted when there was none).
// Each is told apart by its bytes, so a rollback interrupted itself is
// simply run again. Something changed by someone else since is left alone
// and reported.
func rollback(ctx context.Context, j *journal, root string, targets []*Target, locks []*state.LockInfo, reason string, step func(string)) ([]string, error) {
	if j.Phase != phaseRollingBack {
		j.Phase, j.Reason = phaseRollingBack, reason
		if err := j.save(); err != nil {
			return nil, fmt.Errorf("writing the journal: %w", err)
		}
	}
	step("rolling-back")
	var restored []string
	var errs []error
	for i := len(j.Files) - 1; i >= 0; i-- {
		jf := j.Files[i]
		path := locate(root, j.Moves, jf.Path)
		before, err1 := j.read(jf.Before)
		after, err2 := j.read(jf.After)
		if err := errors.Join(err1, err2); err != nil {
			errs = append(errs, err)
			continue
		}
		cur, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			cur, err = nil, nil
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch {
		case bytes.Equal(cur, before):
		case bytes.Equal(cur, after):
			if err := writeFile(path, before); err != nil {
				errs = append(errs, err)
				continue
			}
			restored = append(restored, "file "+jf.Path)
		default:
			errs = append(errs, fmt.Errorf("%s was changed by someone else since: it is left as it is (its content before is kept in %s)", jf.Path, filepath.Join(j.dir, jf.Before)))
		}
	}
	if len(j.Files) > 0 {
		step("restored-files")
	}
	for i := len(j.Moves) - 1; i >= 0; i-- {
		m := j.Moves[i]
		from, to := filepath.Join(root, filepath.FromSlash(m.From)), filepath.Join(root, filepath.FromSlash(m.To))
		_, ferr := os.Lstat(from)
		_, terr := os.Lstat(to)
		switch {
		case ferr == nil && errors.Is(terr, fs.ErrNotExist):
		case terr == nil && errors.Is(ferr, fs.ErrNotExist):
			if err := moveDir(root, DirMove{From: m.To, To: m.From}); err != nil {
				errs = append(errs, err)
				continue
			}
			restored = append(restored, "folder "+m.To+" moved back to "+m.From)
			step("moved-back")
		default:
			errs = append(errs, fmt.Errorf("cannot move %s back to %s: both or neither exist", m.To, m.From))
		}
	}
	for i := len(j.States) - 1; i >= 0; i-- {
		js, tg := j.States[i], targets[i]
		if !js.Write {
			continue
		}
		before, err1 := j.read(js.Before)
		after, err2 := j.read(js.After)
		back, err3 := j.read(js.Rollback)
		if err := errors.Join(err1, err2, err3); err != nil {
			errs = append(errs, err)
			continue
		}
		snap, err := tg.Store.ReadRaw(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading the state of %s: %w", js.Unit, err))
			continue
		}
		switch {
		case bytes.Equal(snap.Data, before), back != nil && bytes.Equal(snap.Data, back):
		case bytes.Equal(snap.Data, after) && before == nil:
			if _, err := state.Delete(ctx, tg.Store, tg.Backups, locks[i]); err != nil {
				errs = append(errs, fmt.Errorf("removing the new state of %s: %w", js.Unit, err))
				continue
			}
			restored = append(restored, "state of "+js.Unit+" removed again ("+relTo(root, js.Where)+" had none)")
		case bytes.Equal(snap.Data, after):
			prev, err := state.Parse(back)
			if err == nil {
				prev.Serial--
				_, err = state.Write(ctx, tg.Store, tg.Backups, locks[i], prev)
			}
			if err == nil {
				err = storedIs(ctx, tg.Store, j, js.Rollback)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("restoring the state of %s: %w", js.Unit, err))
				continue
			}
			restored = append(restored, fmt.Sprintf("state of %s (%s), as it was, at serial %d", js.Unit, relTo(root, js.Where), prev.Serial))
		default:
			errs = append(errs, fmt.Errorf("the state of %s (%s) was changed by someone else since: it is left as it is (the state before is kept in %s)", js.Unit, js.Where, filepath.Join(j.dir, js.Before)))
			continue
		}
		step("restored:" + js.Unit)
	}
	return restored, errors.Join(errs...)
}

// locate maps a file path (as it is after the moves) to where it is now:
// under a move's old folder when that move has been undone already.
func locate(root string, moves []DirMove, rel string) string {
	for _, m := range moves {
		if rel == m.To || strings.HasPrefix(rel, m.To+"/") {
			to := filepath.Join(root, filepath.FromSlash(m.To))
			if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
				if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(m.From))); err == nil {
					rel = m.From + strings.TrimPrefix(rel, m.To)
				}
			}
		}
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}
