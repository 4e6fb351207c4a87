package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// Errors of Write and Delete, for errors.Is.
var (
	// ErrNotLocked: the caller does not hold the state's lock.
	ErrNotLocked = errors.New("the state lock is not held")
	// ErrLineage: the state to write is of another lineage than the
	// stored one (another unit's state, or a state recreated meanwhile).
	ErrLineage = errors.New("state lineage differs")
	// ErrStale: the stored state is newer than the one the change was made
	// from (someone wrote it meanwhile).
	ErrStale = errors.New("stored state is newer")
	// ErrVerify: what was read back is not what was written.
	ErrVerify = errors.New("state read back differs from what was written")
)

// Written is what Write did.
type Written struct {
	Serial  uint64
	Lineage string
	// VersionID is the new S3 object version, where the store keeps them.
	VersionID string
	// Backup is the copy of the state that was replaced; nil when there
	// was none.
	Backup *Backup
}

// Write replaces the stored state with next, the way every stackctl state
// change must (see docs/design.md, "State writes"):
//
//  1. the lock must be held by lock (the caller took it with
//     store.Lock(ctx, lock));
//  2. the stored state is read; it must be of next's lineage, and its
//     serial must not be newer than next's, since next was made from it;
//     a stored state with fields stackctl does not know is not rewritten;
//  3. the stored state is saved in backups (with its S3 version);
//  4. next is written with serial next.Serial + 1;
//  5. the state is read back and compared byte for byte.
//
// Nothing is backed up or written when a check fails. On success next's
// Serial (and Lineage, for a first state without one) are updated, so a
// second Write of the same value follows on.
func Write(ctx context.Context, store Store, backups *Backups, lock *LockInfo, next *State) (*Written, error) {
	where := store.Describe()
	cur, snap, err := readLocked(ctx, store, backups, lock)
	if err != nil {
		return nil, err
	}
	out := *next
	out.Serial = next.Serial + 1
	if cur != nil {
		if next.Lineage != cur.Lineage {
			return nil, fmt.Errorf("refusing to write %s: %w: the stored state's lineage is %q, this one's %q; it is another state, not a newer version of this one",
				where, ErrLineage, cur.Lineage, next.Lineage)
		}
		if cur.Serial >= out.Serial {
			return nil, fmt.Errorf("refusing to write %s: %w: it is at serial %d, and this change was made from serial %d: someone wrote it meanwhile; read it again and redo the change",
				where, ErrStale, cur.Serial, next.Serial)
		}
		if out.TerraformVersion == "" {
			out.TerraformVersion = cur.TerraformVersion
		}
	} else if out.Lineage == "" {
		out.Lineage = NewLineage()
	}
	data, err := out.Marshal()
	if err != nil {
		return nil, err
	}

	res := &Written{Serial: out.Serial, Lineage: out.Lineage}
	if cur != nil {
		if res.Backup, err = backups.Save(snap.Data, backupOf(cur, snap, where, lock)); err != nil {
			return nil, fmt.Errorf("refusing to write %s: keeping a backup of it first failed: %w", where, err)
		}
	}
	if res.VersionID, err = store.WriteRaw(ctx, data); err != nil {
		return nil, fmt.Errorf("writing %s: %w%s", where, err, keptIn(res.Backup))
	}
	back, err := store.ReadRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading %s back after writing it: %w%s", where, err, keptIn(res.Backup))
	}
	if !bytes.Equal(back.Data, data) || (res.VersionID != "" && back.VersionID != "" && back.VersionID != res.VersionID) {
		return nil, fmt.Errorf("%s: %w%s", where, ErrVerify, keptIn(res.Backup))
	}
	next.Serial, next.Lineage = out.Serial, out.Lineage
	return res, nil
}

// Delete removes the stored state (after mv-unit moved it elsewhere),
// under the same rules as Write: the lock must be held, and the state is
// backed up first. It returns the backup, nil when there was no state.
func Delete(ctx context.Context, store Store, backups *Backups, lock *LockInfo) (*Backup, error) {
	where := store.Describe()
	cur, snap, err := readLocked(ctx, store, backups, lock)
	if err != nil || snap.Data == nil {
		return nil, err
	}
	var b *Backup
	if cur != nil {
		if b, err = backups.Save(snap.Data, backupOf(cur, snap, where, lock)); err != nil {
			return nil, fmt.Errorf("refusing to delete %s: keeping a backup of it first failed: %w", where, err)
		}
	}
	if err := store.DeleteRaw(ctx); err != nil {
		return nil, fmt.Errorf("deleting %s: %w%s", where, err, keptIn(b))
	}
	back, err := store.ReadRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading %s back after deleting it: %w%s", where, err, keptIn(b))
	}
	if len(back.Data) != 0 {
		return nil, fmt.Errorf("%s: %w: it is still there after deleting it%s", where, ErrVerify, keptIn(b))
	}
	return b, nil
}

// readLocked checks the lock and reads the stored state for Write and
// Delete; cur is nil when there is no state (or an empty file).
func readLocked(ctx context.Context, store Store, backups *Backups, lock *LockInfo) (*State, Snapshot, error) {
	where := store.Describe()
	if backups == nil || backups.Dir == "" {
		return nil, Snapshot{}, fmt.Errorf("refusing to write %s: no backup folder is configured", where)
	}
	if lock == nil {
		return nil, Snapshot{}, fmt.Errorf("refusing to write %s: %w (no lock given)", where, ErrNotLocked)
	}
	held, err := store.LockInfo(ctx)
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("refusing to write %s: reading its lock: %w", where, err)
	}
	switch {
	case held == nil:
		return nil, Snapshot{}, fmt.Errorf("refusing to write %s: %w: nobody holds it", where, ErrNotLocked)
	case held.ID != lock.ID:
		return nil, Snapshot{}, fmt.Errorf("refusing to write %s: %w: %w", where, ErrNotLocked, &LockedError{Holder: held, Where: held.Where, State: where})
	}
	snap, err := store.ReadRaw(ctx)
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("reading %s: %w", where, err)
	}
	if len(bytes.TrimSpace(snap.Data)) == 0 {
		return nil, snap, nil
	}
	if err := CheckKnown(snap.Data); err != nil {
		return nil, Snapshot{}, fmt.Errorf("refusing to rewrite %s: %w", where, err)
	}
	cur, err := Parse(snap.Data)
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("refusing to rewrite %s: %w", where, err)
	}
	return cur, snap, nil
}

func backupOf(cur *State, snap Snapshot, where string, lock *LockInfo) Backup {
	return Backup{
		Serial: cur.Serial, Lineage: cur.Lineage, TerraformVersion: cur.TerraformVersion,
		Source: where, VersionID: snap.VersionID, Operation: lock.Operation, LockID: lock.ID,
	}
}

func keptIn(b *Backup) string {
	if b == nil {
		return ""
	}
	return "; the previous state is kept in " + b.Path
}
