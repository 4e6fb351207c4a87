package surgery

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
)

// A recovery that rolls back an unverified run records why, so that a
// recovery interrupted in its turn still says it.
func TestRecoveryRecordsWhyItRollsBack(t *testing.T) {
	tr := newTxTree(t)
	runHelper(t, tr.root, "wrote:a", "")
	runHelper(t, tr.root, "rolling-back", "recover")
	ps, err := FindPending(tr.root, "dev")
	must(t, err)
	if len(ps) != 1 || ps[0].Phase != "rolling-back" || ps[0].Reason != "the run was interrupted before its changes were verified" {
		t.Fatalf("pending %+v", ps)
	}
	if d := ps[0].Describe(); !strings.Contains(d, "was rolling back (the run was interrupted before its changes were verified)") {
		t.Errorf("Describe = %q", d)
	}
	_, err = Recover(context.Background(), ps[0], tr.root, tr.open)
	must(t, err)
	if got := tr.outcome(t); got != "old" {
		t.Errorf("outcome %s", got)
	}
}

// failingWrites is a store whose writes fail once it has written n times.
type failingWrites struct {
	state.Store
	n int
}

func (f *failingWrites) WriteRaw(ctx context.Context, data []byte) (string, error) {
	if f.n == 0 {
		return "", errors.New("the bucket went away")
	}
	f.n--
	return f.Store.WriteRaw(ctx, data)
}

// A rollback whose write fails says why, and leaves the journal to finish
// it.
func TestTxRollbackThatCannotWrite(t *testing.T) {
	tr := newTxTree(t)
	tx := tr.tx(t)
	for _, tg := range tx.Targets {
		if tg.Unit == "a" {
			tg.Store = &failingWrites{Store: tg.Store, n: 1}
		}
	}
	tx.Verify = func(context.Context) error { return errors.New("the plan of a wants to replace terraform_data.x") }
	_, err := tx.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Rolling back failed too: restoring the state of a: writing "+tr.statePath("a")+": the bucket went away") {
		t.Fatalf("got %v", err)
	}
	ps, _ := FindPending(tr.root, "dev")
	if len(ps) != 1 || ps[0].Phase != "rolling-back" {
		t.Fatalf("pending %+v", ps)
	}
	ps[0].Close()
}
