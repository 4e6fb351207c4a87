package state_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
)

// The write protocol on a real local state file: the checks, backups and
// read-back that every backend shares.
func TestWriteProtocol(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := local.New(filepath.Join(dir, "state", "terraform.tfstate"))
	backups := &state.Backups{Dir: filepath.Join(dir, "backups", "dev", "apps", "api")}
	seed, err := os.ReadFile("testdata/states/builtin.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := state.Parse(seed)
	lineage, serial := first.Lineage, first.Serial

	lock := state.NewLockInfo("stackctl test")
	if _, err := state.Write(ctx, store, backups, lock, first); !errors.Is(err, state.ErrNotLocked) {
		t.Fatalf("Write without the lock: %v; want ErrNotLocked", err)
	}
	if err := store.Lock(ctx, lock); err != nil {
		t.Fatal(err)
	}
	defer store.Unlock(ctx, lock.ID)
	if err := store.Lock(ctx, state.NewLockInfo("again")); !errors.Is(err, state.ErrLocked) {
		t.Errorf("a second Lock in the same process: %v; want ErrLocked", err)
	}
	if _, err := state.Write(ctx, store, nil, lock, first); err == nil || !strings.Contains(err.Error(), "no backup folder") {
		t.Errorf("Write without backups: %v", err)
	}

	// The first state: nothing to back up.
	w, err := state.Write(ctx, store, backups, lock, first)
	if err != nil {
		t.Fatal(err)
	}
	if w.Serial != serial+1 || w.Lineage != lineage || w.Backup != nil || first.Serial != serial+1 {
		t.Errorf("first write = %+v, state serial %d; want serial %d, lineage %s, no backup", w, first.Serial, serial+1, lineage)
	}

	// A change made from what is stored.
	cur, err := store.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cur.Remove(`terraform_data.each["a"]`); err != nil {
		t.Fatal(err)
	}
	w, err = state.Write(ctx, store, backups, lock, cur)
	if err != nil {
		t.Fatal(err)
	}
	if w.Serial != serial+2 || w.Backup == nil || w.Backup.Serial != serial+1 || w.Backup.Lineage != lineage || w.Backup.Source != store.Describe() ||
		w.Backup.Operation != "stackctl test" {
		t.Fatalf("second write = %+v, backup %+v", w, w.Backup)
	}
	checkMode(t, backups.Dir, 0o700)
	checkMode(t, w.Backup.Path, 0o600)
	checkMode(t, w.Backup.Path+".json", 0o600)
	stored, _ := store.ReadRaw(ctx)

	// Refused, and nothing changes: an older serial, another lineage, and
	// fields the model does not know.
	stale, _ := state.Parse(seed)
	if _, err := state.Write(ctx, store, backups, lock, stale); !errors.Is(err, state.ErrStale) || !strings.Contains(err.Error(), "someone wrote it meanwhile") {
		t.Errorf("stale write: %v; want ErrStale", err)
	}
	other, _ := state.Parse(stored.Data)
	other.Lineage = "another"
	if _, err := state.Write(ctx, store, backups, lock, other); !errors.Is(err, state.ErrLineage) {
		t.Errorf("other lineage: %v; want ErrLineage", err)
	}
	if now, _ := store.ReadRaw(ctx); !bytes.Equal(now.Data, stored.Data) {
		t.Error("a refused write changed the state")
	}
	if list, _ := backups.List(); len(list) != 1 {
		t.Errorf("%d backups after refused writes; want the one", len(list))
	}
	future := bytes.Replace(stored.Data, []byte(`"check_results":`), []byte(`"future": true, "check_results":`), 1)
	if _, err := store.WriteRaw(ctx, future); err != nil {
		t.Fatal(err)
	}
	again, _ := state.Parse(future)
	if _, err := state.Write(ctx, store, backups, lock, again); err == nil || !strings.Contains(err.Error(), `unknown field "future"`) {
		t.Errorf("rewriting a state with an unknown field: %v", err)
	}
	if _, err := store.WriteRaw(ctx, stored.Data); err != nil {
		t.Fatal(err)
	}

	// Backups list and load.
	list, err := backups.List()
	if err != nil || len(list) != 1 || list[0].Name != w.Backup.Name || list[0].Serial != serial+1 {
		t.Fatalf("List() = %+v, %v", list, err)
	}
	data, b, err := backups.Load(list[0].Name)
	if err != nil || b.Serial != serial+1 || b.Instances() != first.Instances() || !bytes.HasPrefix(data, []byte("{\n")) {
		t.Errorf("Load() = %d bytes, %+v, %v", len(data), b, err)
	}
	if _, _, err := backups.Load("../../etc/passwd"); err == nil {
		t.Error("Load of a path outside the folder: no error")
	}

	// Delete keeps a backup too.
	gone, err := state.Delete(ctx, store, backups, lock)
	if err != nil || gone == nil || gone.Serial != serial+2 {
		t.Fatalf("Delete() = %+v, %v", gone, err)
	}
	if st, err := store.Read(ctx); st != nil || err != nil {
		t.Errorf("Read() after Delete = %v, %v", st, err)
	}
	if list, _ := backups.List(); len(list) != 2 {
		t.Errorf("%d backups after Delete; want 2", len(list))
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}

// A lock someone else holds: Write refuses, naming the holder.
func TestWriteRefusesForeignLock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "terraform.tfstate")
	holder := local.New(path)
	theirs := state.NewLockInfo("OperationTypeApply")
	if err := holder.Lock(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	defer holder.Unlock(ctx, theirs.ID)
	// Another backend value for the same file stands for another writer
	// that believes it holds a lock.
	mine := state.NewLockInfo("stackctl state mv")
	_, err := state.Write(ctx, local.New(path), &state.Backups{Dir: filepath.Join(dir, "b")}, mine, &state.State{Lineage: "x"})
	var le *state.LockedError
	if !errors.Is(err, state.ErrNotLocked) || !errors.As(err, &le) || le.Holder.ID != theirs.ID {
		t.Fatalf("Write under someone else's lock: %v", err)
	}
}
