package surgery

import (
	"context"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
)

// lastingLock is a local state whose lock outlives the process that took
// it, as an S3 lock object or a DynamoDB item does.
type lastingLock struct {
	*local.Backend
	held *state.LockInfo
}

func (l *lastingLock) LockInfo(context.Context) (*state.LockInfo, error) { return l.held, nil }

func (l *lastingLock) Lock(ctx context.Context, info *state.LockInfo) error {
	if l.held != nil {
		return &state.LockedError{Holder: l.held, Where: "lasting", State: l.Describe()}
	}
	if err := l.Backend.Lock(ctx, info); err != nil {
		return err
	}
	l.held = info
	return nil
}

func (l *lastingLock) Unlock(ctx context.Context, id string) error {
	if l.held == nil || l.held.ID != id {
		return &state.LockedError{Holder: l.held, Where: "lasting", State: l.Describe()}
	}
	l.held = nil
	_ = l.Backend.Unlock(ctx, id) // not held by this process after a crash
	return nil
}

// Recovery takes over the locks a dead run left in a store where they
// outlive it (its own lock IDs are in the journal), and is stopped by a
// lock someone else holds.
func TestRecoverTakesOverLastingLocks(t *testing.T) {
	for _, other := range []bool{false, true} {
		tr := newTxTree(t)
		runHelper(t, tr.root, "locked", "")
		ps, err := FindPending(tr.root, "dev")
		must(t, err)
		p := ps[0]
		stores := map[string]*lastingLock{}
		for _, js := range p.j.States {
			id := js.LockID
			if other {
				id = "carol-1"
			}
			stores[js.Unit] = &lastingLock{held: &state.LockInfo{ID: id, Who: "carol@ci"}}
		}
		open := func(ctx context.Context, unit string, b config.Backend) (state.Store, *state.Backups, error) {
			_, bk, err := tr.open(ctx, unit, b)
			stores[unit].Backend = local.New(b.String("path"))
			return stores[unit], bk, err
		}
		rec, err := Recover(context.Background(), p, tr.root, open)
		if other {
			if err == nil || !strings.Contains(err.Error(), "the state of a is locked by carol@ci, lock ID carol-1: nothing was changed") {
				t.Fatalf("a lock held by someone else: %v", err)
			}
			if stores["a"].held.ID != "carol-1" || stores["b"].held.ID != "carol-1" {
				t.Errorf("carol's locks were released: %+v %+v", stores["a"].held, stores["b"].held)
			}
			p.Close()
			if ps, _ := FindPending(tr.root, "dev"); len(ps) != 1 {
				t.Error("the journal went though the recovery could not run")
			}
			continue
		}
		must(t, err)
		if rec.Action != "released" || stores["a"].held != nil || stores["b"].held != nil {
			t.Errorf("recovered %+v; locks left %+v %+v", rec, stores["a"].held, stores["b"].held)
		}
	}
}
