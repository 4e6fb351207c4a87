package state

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Backups list oldest first, each with the bytes that were saved.
func TestBackupsListOldestFirst(t *testing.T) {
	b := &Backups{Dir: filepath.Join(t.TempDir(), "backups")}
	for serial := range uint64(3) {
		doc := fmt.Appendf(nil, "{\"version\": 4, \"serial\": %d}\n", serial)
		s, err := b.Save(doc, Backup{Serial: serial, Lineage: "l"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(s.Path); err != nil || !bytes.Equal(got, doc) {
			t.Fatalf("saved %s = %q, %v; want %q", s.Name, got, err, doc)
		}
	}
	list, err := b.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("List() = %v, %v", list, err)
	}
	for n, bk := range list {
		if bk.Serial != uint64(n) || bk.Lineage != "l" || bk.Path != filepath.Join(b.Dir, bk.Name) {
			t.Errorf("List()[%d] = %+v; want serial %d, saved %d-th", n, bk, n, n+1)
		}
	}
}
