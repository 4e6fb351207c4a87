package surgery

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What an interrupted transaction left is described for what recovery
// will do about it, and recovery says what it did.
func TestRecoverDescribesEachPhase(t *testing.T) {
	cases := []struct {
		step, mode string
		phase      string
		describe   string
		action     string
		done       string
	}{
		{"locked", "", "locking", "left its locks (it had written nothing): recovering releases them", "released", "released the locks of a, b (nothing had been written)"},
		{"prepared", "", "prepared", "had not been verified: recovering rolls it back, so that every state and file is as before", "rolled back", "nothing had been written yet"},
		{"committed", "", "committed", "had written and verified every change: recovering finishes it (releasing its locks)", "finished", "released the locks of a, b"},
		{"rolling-back", "fail", "rolling-back", "was rolling back (verification failed: verification refused): recovering finishes the rollback, so that every state and file is as before", "rolled back",
			"file live/new/unit.hcl;file env.hcl;folder live/new moved back to live/old;state of b (.stackctl/state/dev/b/terraform.tfstate), as it was, at serial 5;state of a (.stackctl/state/dev/a/terraform.tfstate), as it was, at serial 5"},
	}
	for _, c := range cases {
		t.Run(c.step, func(t *testing.T) {
			t.Parallel()
			tr := newTxTree(t)
			runHelper(t, tr.root, c.step, c.mode)
			ps, err := FindPending(tr.root, "dev")
			must(t, err)
			if len(ps) != 1 {
				t.Fatalf("%d journals", len(ps))
			}
			p := ps[0]
			if p.Phase != c.phase || p.Operation != "test-op" || p.Env != "dev" || strings.Join(p.Units, ",") != "a,b" {
				t.Errorf("pending %+v", p)
			}
			d := p.Describe()
			if !strings.HasPrefix(d, "an interrupted stackctl test-op of dev (states of a, b), started ") || !strings.HasSuffix(d, c.describe) {
				t.Errorf("Describe = %q, want it to end with %q", d, c.describe)
			}
			rec, err := Recover(context.Background(), p, tr.root, tr.open)
			must(t, err)
			if rec.Action != c.action || strings.Join(rec.Done, ";") != c.done || rec.Operation != "test-op" {
				t.Errorf("recovered %+v\nwant %s: %s", rec, c.action, c.done)
			}
			if ps, _ := FindPending(tr.root, "dev"); len(ps) != 0 {
				t.Error("the journal is left")
			}
		})
	}
}

// A journal whose run is still going is told apart from one left by a
// run that died, and is not recovered.
func TestPendingWhileRunning(t *testing.T) {
	tr := newTxTree(t)
	tx := tr.tx(t)
	var seen []*Pending
	tx.after = func(s string) {
		if s != "locked" {
			return
		}
		ps, err := FindPending(tr.root, "dev")
		must(t, err)
		seen = ps
	}
	_, err := tx.Run(context.Background())
	must(t, err)
	if len(seen) != 1 || !seen[0].Running || seen[0].PID != os.Getpid() || seen[0].Phase != "locking" {
		t.Fatalf("seen %+v", seen)
	}
	if d := seen[0].Describe(); !strings.HasPrefix(d, "a stackctl test-op of dev (states of a, b), started ") || !strings.HasSuffix(d, " is running") {
		t.Errorf("Describe = %q", d)
	}
	if _, err := Recover(context.Background(), seen[0], tr.root, tr.open); err == nil || !strings.HasSuffix(err.Error(), "is running: wait for it to finish") {
		t.Errorf("recovering a running one: %v", err)
	}
}

// What a committed move has left to do: the old state's deletion.
func TestPendingLeftToDo(t *testing.T) {
	started := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	p := &Pending{Phase: phaseCommitted, j: &journal{Operation: "mv-unit", Env: "dev", Who: "me@host", PID: 42, Started: started,
		States: []*journalState{{Unit: "old", Delete: true}, {Unit: "new"}, {Unit: "gone", Delete: true}}}}
	want := "an interrupted stackctl mv-unit of dev (states of old, new, gone), started 2026-11-02T10:00:00Z by me@host (pid 42) had written and verified every change: recovering finishes it (deleting old's old state, gone's old state and releasing its locks)"
	if got := p.Describe(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A journal folder without its journal.json (a run killed while making
// it) wrote nothing: it is removed, and a stray file beside the journals
// is left alone.
func TestFindPendingRemovesAnEmptyJournal(t *testing.T) {
	root := t.TempDir()
	base := JournalDir(root, "dev")
	must(t, os.MkdirAll(filepath.Join(base, "20261102T100000.000000000Z-test-op"), 0o700))
	must(t, os.WriteFile(filepath.Join(base, "README"), []byte("x"), 0o600))
	ps, err := FindPending(root, "dev")
	if err != nil || len(ps) != 0 {
		t.Fatalf("pending %+v, %v", ps, err)
	}
	if _, err := os.Stat(filepath.Join(base, "20261102T100000.000000000Z-test-op")); !os.IsNotExist(err) {
		t.Errorf("the empty journal is left: %v", err)
	}
	if _, err := os.Stat(filepath.Join(base, "README")); err != nil {
		t.Errorf("the stray file went: %v", err)
	}
	if ps, err := FindPending(t.TempDir(), "dev"); err != nil || ps != nil {
		t.Errorf("no journal folder at all: %v %v", ps, err)
	}
}
