package state

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// memStore is a Store in memory that keeps versions as S3 does; readBack,
// when set, is the version ReadRaw reports instead of the last written
// (someone else's write landing between ours and the read-back).
type memStore struct {
	data     []byte
	version  int
	readBack string
	lock     *LockInfo
}

func (m *memStore) Describe() string { return "mem://state" }
func (m *memStore) Read(context.Context) (*State, error) {
	if m.data == nil {
		return nil, nil
	}
	return Parse(m.data)
}
func (m *memStore) LockInfo(context.Context) (*LockInfo, error) { return m.lock, nil }
func (m *memStore) Lock(_ context.Context, l *LockInfo) error   { m.lock = l; return nil }
func (m *memStore) Unlock(context.Context, string) error        { m.lock = nil; return nil }
func (m *memStore) ReadRaw(context.Context) (Snapshot, error) {
	v := m.versionID()
	if m.readBack != "" {
		v = m.readBack
	}
	return Snapshot{Data: m.data, VersionID: v}, nil
}
func (m *memStore) WriteRaw(_ context.Context, data []byte) (string, error) {
	m.data = append([]byte(nil), data...)
	m.version++
	return m.versionID(), nil
}
func (m *memStore) DeleteRaw(context.Context) error { m.data = nil; return nil }
func (m *memStore) versionID() string {
	if m.version == 0 {
		return ""
	}
	return "v" + string(rune('0'+m.version))
}

func lockedMem(t *testing.T) (*memStore, *Backups, *LockInfo) {
	t.Helper()
	m := &memStore{}
	lock := NewLockInfo("test")
	_ = m.Lock(context.Background(), lock)
	return m, &Backups{Dir: filepath.Join(t.TempDir(), "backups")}, lock
}

// The read-back must be the version just written: an object version
// other than the one WriteRaw returned means someone else's write landed
// in between.
func TestWriteVerifiesTheVersionReadBack(t *testing.T) {
	ctx := context.Background()
	m, backups, lock := lockedMem(t)
	w, err := Write(ctx, m, backups, lock, &State{Lineage: "l", TerraformVersion: "1.11.4"})
	if err != nil || w.VersionID != "v1" {
		t.Fatalf("Write with matching versions = %+v, %v", w, err)
	}
	m.readBack = "v9"
	_, err = Write(ctx, m, backups, lock, &State{Lineage: "l", Serial: w.Serial})
	// The state it replaced is in a backup, and the error says where.
	list, _ := backups.List()
	if !errors.Is(err, ErrVerify) || len(list) != 1 || !strings.HasSuffix(err.Error(), "; the previous state is kept in "+list[0].Path) {
		t.Errorf("Write whose read-back is another version: %v (backups %v); want ErrVerify naming the backup", err, list)
	}
}

// A change made from the state one serial back is refused: the stored
// state moved on by exactly one write meanwhile.
func TestWriteRefusesStaleByOne(t *testing.T) {
	ctx := context.Background()
	m, backups, lock := lockedMem(t)
	s := &State{Lineage: "l", Serial: 4}
	if _, err := Write(ctx, m, backups, lock, s); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(ctx, m, backups, lock, &State{Lineage: "l", Serial: 4}); !errors.Is(err, ErrStale) {
		t.Errorf("a change from serial 4 over stored serial 5: %v; want ErrStale", err)
	}
	if _, err := Write(ctx, m, backups, lock, s); err != nil {
		t.Errorf("a change from the stored serial 5: %v", err)
	}
}

// A change that says no terraform version keeps the stored one; one that
// says it keeps its own.
func TestWriteKeepsTerraformVersion(t *testing.T) {
	ctx := context.Background()
	m, backups, lock := lockedMem(t)
	if _, err := Write(ctx, m, backups, lock, &State{Lineage: "l", TerraformVersion: "1.11.4"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ next, want string }{{"", "1.11.4"}, {"1.12.0", "1.12.0"}} {
		cur, _ := m.Read(ctx)
		cur.TerraformVersion = tt.next
		if _, err := Write(ctx, m, backups, lock, cur); err != nil {
			t.Fatal(err)
		}
		if got, _ := m.Read(ctx); got.TerraformVersion != tt.want {
			t.Errorf("written with terraform_version %q: stored %q, want %q", tt.next, got.TerraformVersion, tt.want)
		}
	}
}
