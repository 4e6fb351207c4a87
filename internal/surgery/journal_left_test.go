package surgery

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// A journal that cannot be removed once the transaction is over is said
// in the log; the transaction itself succeeded.
func TestTxSaysWhenItsJournalStays(t *testing.T) {
	tr := newTxTree(t)
	var steps []string
	var log bytes.Buffer
	tx := tr.oneState(func(cur []byte) (*StateChange, error) {
		st, err := setID(cur, "new-a")
		return &StateChange{Unit: "a", Before: cur, Next: st}, err
	}, &steps, &log)
	tx.after = func(s string) {
		if s == "unlocked" {
			// The journals' folder turned into a file: the journal's
			// folder below it can be neither found nor removed.
			base := JournalDir(tr.root, "dev")
			must(t, os.RemoveAll(base))
			must(t, os.WriteFile(base, []byte("x"), 0o600))
		}
	}
	if _, err := tx.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "removing the journal "+JournalDir(tr.root, "dev")+"/") {
		t.Errorf("log:\n%s", log.String())
	}
}
