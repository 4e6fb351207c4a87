package surgery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/stackctl/stackctl/internal/state"
)

// prepareState records a state's before, after and rollback copies.
func prepareState(j *journal, n int, js *journalState, before []byte, sc *StateChange) error {
	if !bytes.Equal(before, sc.Before) {
		return errors.New("the change was built from another state than the one stored")
	}
	var err error
	prefix := "s" + strconv.Itoa(n)
	if js.Before, err = j.keep(prefix+".before.tfstate", before); err != nil {
		return err
	}
	js.Delete = sc.Delete
	if sc.Next == nil {
		return nil
	}
	var cur *state.State
	if len(bytes.TrimSpace(before)) > 0 {
		if cur, err = state.Parse(before); err != nil {
			return err
		}
		if sc.Next.Lineage != cur.Lineage {
			return fmt.Errorf("the new state's lineage %q is not the stored one's (%q)", sc.Next.Lineage, cur.Lineage)
		}
		if sc.Next.Serial < cur.Serial {
			return fmt.Errorf("the new state was made from serial %d, the stored one is at %d", sc.Next.Serial, cur.Serial)
		}
	}
	after, err := written(sc.Next, cur)
	if err != nil {
		return err
	}
	if js.After, err = j.keep(prefix+".after.tfstate", after); err != nil {
		return err
	}
	js.Write = true
	if cur != nil {
		back, err := cur.Clone()
		if err != nil {
			return err
		}
		back.Serial = sc.Next.Serial + 1
		rb, err := written(back, cur)
		if err != nil {
			return err
		}
		js.Rollback, err = j.keep(prefix+".rollback.tfstate", rb)
		return err
	}
	return nil
}

// written is the document state.Write stores for next over cur: serial +
// 1, terraform version kept. A lineage-less first state is given one now
// so that the document is known before it is written.
func written(next, cur *state.State) ([]byte, error) {
	out := *next
	out.Serial = next.Serial + 1
	if cur != nil && out.TerraformVersion == "" {
		out.TerraformVersion = cur.TerraformVersion
	}
	if out.Lineage == "" {
		out.Lineage = state.NewLineage()
		next.Lineage = out.Lineage
	}
	return out.Marshal()
}

func parseKept(j *journal, name string) (*state.State, error) {
	b, err := j.read(name)
	if err != nil {
		return nil, err
	}
	return state.Parse(b)
}

// storedIs checks that the store holds exactly the kept copy: recovery
// tells old from new by these bytes.
func storedIs(ctx context.Context, s state.Store, j *journal, name string) error {
	want, err := j.read(name)
	if err != nil {
		return err
	}
	snap, err := s.ReadRaw(ctx)
	if err != nil {
		return fmt.Errorf("reading %s back: %w", s.Describe(), err)
	}
	if !bytes.Equal(snap.Data, want) {
		return fmt.Errorf("%s: %w", s.Describe(), state.ErrVerify)
	}
	return nil
}

func unitsOf(ts []*Target) string {
	var s string
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.Unit
	}
	return s
}

// lockFailed says who holds a lock, since when, and what to do.
func lockFailed(tg *Target, err error) error {
	var le *state.LockedError
	if errors.As(err, &le) {
		return fmt.Errorf("the state of %s is %s: nothing was changed. Wait for that run to finish and try again; if it died, release the lock with: stackctl force-unlock ENV --unit %s %s",
			tg.Unit, holderText(le), tg.Unit, lockIDOf(le))
	}
	return fmt.Errorf("locking the state of %s: %w", tg.Unit, err)
}

func holderText(le *state.LockedError) string {
	if le.Holder == nil {
		return "locked (" + le.Where + ") by someone who left no lock info"
	}
	return le.Holder.String()
}

func lockIDOf(le *state.LockedError) string {
	if le.Holder == nil || le.Holder.ID == "" {
		return "LOCK_ID"
	}
	return le.Holder.ID
}

// moveDir renames a folder; the target must not exist.
func moveDir(root string, m DirMove) error {
	from, to := filepath.Join(root, filepath.FromSlash(m.From)), filepath.Join(root, filepath.FromSlash(m.To))
	if _, err := os.Lstat(to); err == nil {
		return fmt.Errorf("cannot move %s to %s: it exists", m.From, m.To)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	if err := os.Rename(from, to); err != nil {
		return err
	}
	syncDir(filepath.Dir(from))
	syncDir(filepath.Dir(to))
	return nil
}

// writeFile replaces (or creates, or with nil data removes) a file
// atomically, keeping its mode.
func writeFile(path string, data []byte) error {
	if data == nil {
		err := os.Remove(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		syncDir(filepath.Dir(path))
		return err
	}
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	return writeAtomic(path, data, mode)
}
