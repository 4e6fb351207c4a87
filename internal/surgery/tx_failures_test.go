package surgery

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
)

// staleRead is a store that, once written, reads the old document back
// the second time (a store without read-after-write consistency).
type staleRead struct {
	state.Store
	old     []byte
	written bool
	reads   int
}

func (s *staleRead) WriteRaw(ctx context.Context, data []byte) (string, error) {
	if !s.written {
		snap, err := s.Store.ReadRaw(ctx)
		if err != nil {
			return "", err
		}
		s.old, s.written = snap.Data, true
	}
	return s.Store.WriteRaw(ctx, data)
}

func (s *staleRead) ReadRaw(ctx context.Context) (state.Snapshot, error) {
	if s.written {
		s.reads++
		if s.reads == 2 {
			return state.Snapshot{Data: s.old}, nil
		}
	}
	return s.Store.ReadRaw(ctx)
}

// What the store holds once written is checked against the journal's
// copy, by which recovery tells old from new: a store that reads back
// something else fails the transaction, which is rolled back.
func TestTxChecksWhatTheStoreHolds(t *testing.T) {
	tr := newTxTree(t)
	var steps []string
	tx := tr.oneState(func(cur []byte) (*StateChange, error) {
		st, err := setID(cur, "new-a")
		return &StateChange{Unit: "a", Before: cur, Next: st}, err
	}, &steps, new(bytes.Buffer))
	tx.Targets[0].Store = &staleRead{Store: tx.Targets[0].Store}
	_, err := tx.Run(context.Background())
	var rb *RolledBackError
	if !errors.As(err, &rb) || !errors.Is(err, state.ErrVerify) || !strings.HasPrefix(err.Error(), tr.statePath("a")+": state read back differs") {
		t.Fatalf("want a rollback for the state read back, got %v", err)
	}
	if got := tr.outcome(t); got != "old" {
		t.Errorf("outcome %s", got)
	}
}

// A folder move that fails (into the folder itself) fails the
// transaction, and what was written is rolled back.
func TestTxFolderMoveFails(t *testing.T) {
	tr := newTxTree(t)
	var steps []string
	var log bytes.Buffer
	tx := &Tx{Operation: "test-op", Env: "dev", Root: tr.root, Targets: []*Target{tr.target("a")}, Log: &log,
		Build: func(_ context.Context, cur map[string][]byte) (*Changes, error) {
			st, err := setID(cur["a"], "new-a")
			return &Changes{States: []*StateChange{{Unit: "a", Before: cur["a"], Next: st}}, Moves: []DirMove{{From: "live/old", To: "live/old/new"}}}, err
		},
		after: func(s string) { steps = append(steps, s) },
	}
	_, err := tx.Run(context.Background())
	var rb *RolledBackError
	if !errors.As(err, &rb) || !strings.Contains(err.Error(), "live/old/new: invalid argument") || len(rb.Restored) != 1 || !strings.HasPrefix(rb.Restored[0], "state of a ") {
		t.Fatalf("want a rollback of a's state, got %v", err)
	}
	if strings.Contains(log.String(), "Moved") {
		t.Errorf("log:\n%s", log.String())
	}
	if got := tr.outcome(t); got != "old" {
		t.Errorf("outcome %s", got)
	}
}
