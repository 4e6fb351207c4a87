package surgery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// Target is one state a transaction locks: a unit's store and its backup
// folder.
type Target struct {
	Unit    string
	Backend config.Backend
	Store   state.Store
	Backups *state.Backups
}

// StateChange is what a transaction does to one target's state.
type StateChange struct {
	Unit string
	// Before is the stored document as read (nil: no state).
	Before []byte
	// Next is written in place of Before, with the same lineage and the
	// next serial. Nil with Delete, or when the state is only locked.
	Next *state.State
	// Delete removes the state once the others are written and verified
	// (mv-unit's old key; S3 keeps its versions).
	Delete bool
}

// FileChange replaces a file (Before nil: it is created).
type FileChange struct {
	Path          string // absolute
	Before, After []byte
}

// Changes are what a transaction writes, made from the states as read.
type Changes struct {
	States []*StateChange
	// Moves are folder renames, made before Files (whose paths are those
	// after the moves).
	Moves []DirMove
	Files []*FileChange
}

// Fingerprint identifies changes, to tell whether what a run computes
// under its locks is what was shown before asking.
func (c *Changes) Fingerprint() string {
	h := sha256.New()
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:8]) }
	for _, s := range c.States {
		next := "-"
		if s.Next != nil {
			b, _ := s.Next.Marshal()
			next = sum(b)
		}
		fmt.Fprintf(h, "s\x00%s\x00%s\x00%s\x00%t\n", s.Unit, sum(s.Before), next, s.Delete)
	}
	for _, m := range c.Moves {
		fmt.Fprintf(h, "m\x00%s\x00%s\n", m.From, m.To)
	}
	for _, f := range c.Files {
		fmt.Fprintf(h, "f\x00%s\x00%s\x00%s\n", f.Path, sum(f.Before), sum(f.After))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Tx is one transaction over the states of Targets: every state write
// stackctl makes itself goes through Run (docs/state-surgery.md).
type Tx struct {
	Operation string // "rename-app": lock info, journal, backups
	Command   string // the command line, for the journal
	Env       string
	Root      string // repository root (journal, relative paths)
	Targets   []*Target
	// Build computes the changes from the stored documents, read under
	// the locks (by unit; Data nil when there is no state).
	Build func(ctx context.Context, cur map[string][]byte) (*Changes, error)
	// Verify checks the result once written (plans); an error rolls back.
	Verify func(ctx context.Context) error
	// Shown is the Fingerprint of the changes shown to the user before
	// asking; a run whose changes differ stops. "" skips the check.
	Shown string
	// Log receives one line per step, for people.
	Log io.Writer

	// after is called after each step: crash injection in tests.
	after func(step string)
}

// Result is what a transaction did.
type Result struct {
	Written []WrittenState `json:"written,omitempty"`
	Deleted []WrittenState `json:"deleted,omitempty"`
	Moves   []DirMove      `json:"moves,omitempty"`
	Files   []string       `json:"files,omitempty"`
}

// WrittenState is one state written or deleted.
type WrittenState struct {
	Unit      string `json:"unit"`
	Where     string `json:"where"`
	Serial    uint64 `json:"serial,omitempty"`
	VersionID string `json:"version_id,omitempty"`
	// Backup is the backup of the state replaced ("" when there was none).
	Backup string `json:"backup,omitempty"`
}

// RolledBackError is a transaction that failed after writing and was
// undone: every state and file is as it was.
type RolledBackError struct {
	Err error
	// Restored lists what was put back.
	Restored []string
}

func (e *RolledBackError) Error() string {
	msg := e.Err.Error() + "\nRolled back: "
	if len(e.Restored) == 0 {
		return msg + "nothing had been written yet."
	}
	msg += "every state and file is as it was; restored:"
	for _, r := range e.Restored {
		msg += "\n  " + r
	}
	return msg
}

func (e *RolledBackError) Unwrap() error { return e.Err }

func (t *Tx) step(name string) {
	if t.after != nil {
		t.after(name)
		return
	}
	testHook(name)
}

func (t *Tx) logf(format string, args ...any) {
	if t.Log != nil {
		fmt.Fprintf(t.Log, format+"\n", args...)
	}
}

// Preview computes the changes from the states as stored now, without
// locking: for --dry-run and for what is shown before asking.
func (t *Tx) Preview(ctx context.Context) (*Changes, error) {
	cur := map[string][]byte{}
	for _, tg := range t.Targets {
		snap, err := tg.Store.ReadRaw(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the state of %s: %w", tg.Unit, err)
		}
		cur[tg.Unit] = snap.Data
	}
	return t.Build(ctx, cur)
}

// lockOrder sorts targets by where their state lives: every transaction
// takes its locks in this one order, so two of them can never each hold a
// lock the other waits for.
func lockOrder(ts []*Target) []*Target {
	out := append([]*Target(nil), ts...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Store.Describe() < out[j].Store.Describe() })
	return out
}

// Run performs the transaction: journal, locks (in lockOrder), the states
// read and the changes built, each state backed up and written with its
// lineage and the next serial, folders moved and files written, Verify,
// then the commit, deletions, and the locks released. Any failure before
// the commit restores what was written. Killed at any point, the journal
// lets the next command finish or undo it (Recover).
func (t *Tx) Run(ctx context.Context) (*Result, error) {
	targets := lockOrder(t.Targets)
	j, err := newJournal(t.Root, t.Env, t.Operation)
	if err != nil {
		return nil, fmt.Errorf("starting the journal of %s: %w", t.Operation, err)
	}
	j.Command, j.Phase = t.Command, phaseLocking
	j.Who = state.NewLockInfo("").Who
	locks := make([]*state.LockInfo, len(targets))
	for i, tg := range targets {
		jb, err := backendOf(tg.Backend)
		if err != nil {
			j.remove()
			return nil, fmt.Errorf("%s: %w", tg.Unit, err)
		}
		locks[i] = state.NewLockInfo("stackctl " + t.Operation)
		j.States = append(j.States, &journalState{Unit: tg.Unit, Where: tg.Store.Describe(), Backend: jb, LockID: locks[i].ID})
	}
	if err := j.save(); err != nil {
		j.remove()
		return nil, fmt.Errorf("writing the journal of %s: %w", t.Operation, err)
	}
	t.step("journal")

	held := 0
	unlock := func() {
		for i := held - 1; i >= 0; i-- {
			if err := targets[i].Store.Unlock(context.WithoutCancel(ctx), locks[i].ID); err != nil {
				t.logf("releasing the lock of %s: %v", targets[i].Unit, err)
			}
		}
		held = 0
	}
	abort := func(err error) (*Result, error) {
		unlock()
		j.remove()
		return nil, err
	}
	for i, tg := range targets {
		if err := tg.Store.Lock(ctx, locks[i]); err != nil {
			return abort(lockFailed(tg, err))
		}
		held = i + 1
	}
	t.logf("Locked the state of %s.", unitsOf(targets))
	t.step("locked")

	cur := map[string][]byte{}
	for _, tg := range targets {
		snap, err := tg.Store.ReadRaw(ctx)
		if err != nil {
			return abort(fmt.Errorf("reading the state of %s: %w", tg.Unit, err))
		}
		cur[tg.Unit] = snap.Data
	}
	ch, err := t.Build(ctx, cur)
	if err != nil {
		return abort(err)
	}
	if t.Shown != "" && ch.Fingerprint() != t.Shown {
		return abort(errors.New("the states or files changed since the changes were shown (someone wrote them meanwhile): nothing was done; run the command again to see what it would do now"))
	}
	byUnit := map[string]*StateChange{}
	for _, sc := range ch.States {
		byUnit[sc.Unit] = sc
	}
	for n, js := range j.States {
		sc := byUnit[js.Unit]
		if sc == nil {
			continue
		}
		if err := prepareState(j, n, js, cur[js.Unit], sc); err != nil {
			return abort(fmt.Errorf("%s: %w", js.Unit, err))
		}
	}
	for n, f := range ch.Files {
		rel, err := filepath.Rel(t.Root, f.Path)
		if err != nil {
			return abort(err)
		}
		jf := &journalFile{Path: filepath.ToSlash(rel)}
		if jf.Before, err = j.keep("f"+strconv.Itoa(n)+".before", f.Before); err == nil {
			jf.After, err = j.keep("f"+strconv.Itoa(n)+".after", f.After)
		}
		if err != nil {
			return abort(err)
		}
		j.Files = append(j.Files, jf)
	}
	j.Moves = ch.Moves
	j.Phase = phasePrepared
	if err := j.save(); err != nil {
		return abort(fmt.Errorf("writing the journal of %s: %w", t.Operation, err))
	}
	t.step("prepared")

	res := &Result{}
	fail := func(err error) (*Result, error) {
		rctx := context.WithoutCancel(ctx)
		restored, rerr := rollback(rctx, j, t.Root, targets, locks, err.Error(), t.step)
		if rerr != nil {
			// The locks stay: the journal names them, and the next
			// command takes them over to finish the rollback.
			j.release()
			return nil, fmt.Errorf("%w\nRolling back failed too: %v\nThe journal %s keeps what is needed to finish it: run `stackctl state recover %s` once that is mended",
				err, rerr, j.dir, t.Env)
		}
		unlock()
		j.remove()
		return nil, &RolledBackError{Err: err, Restored: restored}
	}
	for i, tg := range targets {
		js := j.States[i]
		if !js.Write {
			continue
		}
		next, err := parseKept(j, js.After)
		if err != nil {
			return fail(err)
		}
		next.Serial--
		w, err := state.Write(ctx, tg.Store, tg.Backups, locks[i], next)
		if err != nil {
			return fail(fmt.Errorf("writing the state of %s: %w", tg.Unit, err))
		}
		if err := storedIs(ctx, tg.Store, j, js.After); err != nil {
			return fail(err)
		}
		ws := WrittenState{Unit: tg.Unit, Where: tg.Store.Describe(), Serial: w.Serial, VersionID: w.VersionID}
		if w.Backup != nil {
			ws.Backup = w.Backup.Path
		}
		res.Written = append(res.Written, ws)
		t.logf("Wrote the state of %s (serial %d).", tg.Unit, w.Serial)
		t.step("wrote:" + tg.Unit)
	}
	for _, m := range ch.Moves {
		if err := moveDir(t.Root, m); err != nil {
			return fail(err)
		}
		res.Moves = append(res.Moves, m)
		t.logf("Moved %s to %s.", m.From, m.To)
	}
	if len(ch.Moves) > 0 {
		t.step("moved")
	}
	for _, f := range ch.Files {
		if err := writeFile(f.Path, f.After); err != nil {
			return fail(err)
		}
		rel, _ := filepath.Rel(t.Root, f.Path)
		res.Files = append(res.Files, filepath.ToSlash(rel))
	}
	if len(ch.Files) > 0 {
		t.logf("Wrote %d file(s).", len(ch.Files))
		t.step("files")
	}
	if t.Verify != nil {
		if err := t.Verify(ctx); err != nil {
			return fail(fmt.Errorf("verification failed: %w", err))
		}
		t.step("verified")
	}
	j.Phase = phaseCommitted
	if err := j.save(); err != nil {
		return fail(fmt.Errorf("writing the journal of %s: %w", t.Operation, err))
	}
	t.step("committed")
	for i, tg := range targets {
		if !j.States[i].Delete {
			continue
		}
		b, err := state.Delete(ctx, tg.Store, tg.Backups, locks[i])
		if err != nil {
			// Committed: the next command finishes the deletion.
			j.release()
			return res, fmt.Errorf("deleting the old state of %s: %w; the journal %s finishes it on the next stackctl command (or `stackctl state recover %s`)", tg.Unit, err, j.dir, t.Env)
		}
		ds := WrittenState{Unit: tg.Unit, Where: tg.Store.Describe()}
		if b != nil {
			ds.Backup = b.Path
		}
		res.Deleted = append(res.Deleted, ds)
		t.logf("Deleted the old state of %s.", tg.Unit)
		t.step("deleted:" + tg.Unit)
	}
	unlock()
	t.step("unlocked")
	if err := j.remove(); err != nil {
		t.logf("removing the journal %s: %v", j.dir, err)
	}
	return res, nil
}
