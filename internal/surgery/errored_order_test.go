package surgery

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Errored states are listed by unit, then oldest first: web before
// web-2, though web-2's folder sorts first as a path.
func TestListErroredByUnit(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"web-2/20261102T100000.000000000Z.tfstate", "web/20261102T110000.000000000Z.tfstate", "web/20261102T090000.000000000Z.tfstate", "web/api/20261102T080000.000000000Z.tfstate"} {
		p := filepath.Join(root, ".stackctl", "errored", "dev", filepath.FromSlash(f))
		must(t, os.MkdirAll(filepath.Dir(p), 0o700))
		must(t, os.WriteFile(p, []byte(stateDoc), 0o600))
	}
	list, err := ListErrored(root, "dev", nil)
	must(t, err)
	var got []string
	for _, e := range list {
		got = append(got, e.Unit+"@"+e.Kept.Format("15"))
	}
	if strings.Join(got, " ") != "web@09 web@11 web-2@10 web/api@08" {
		t.Errorf("listed %v", got)
	}
}
