package surgery

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
)

func loadState(t *testing.T, name string) (*state.State, []byte) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return st, b
}

func editLines(edits []Edit) string {
	var b strings.Builder
	for _, e := range edits {
		attr := e.Attribute
		if attr == "" {
			attr = "(address)"
		}
		fmt.Fprintf(&b, "%s %s: %s -> %s\n", e.Address, attr, e.Old, e.New)
	}
	return b.String()
}

// The heroku-shaped gateway state of the lesson: every identifying value
// of app wasabi is renamed, as the golden files say; mywasabi, wasabi2,
// kiwi, non-identifying attributes (config vars, route paths), secrets and
// data sources are left alone.
func TestRenameHerokuState(t *testing.T) {
	st, orig := loadState(t, "heroku.tfstate")
	if again, _ := st.Marshal(); string(again) != string(orig) {
		t.Fatalf("the fixture is not in Terraform's layout: regenerate it")
	}
	r, _ := NewRenamer("wasabi", "wasabi-v2")
	edits, err := RenameState("gateway", st, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "heroku.renamed.tfstate", out)
	golden(t, "heroku.edits.txt", []byte(editLines(edits)))
	text := string(out)
	for _, kept := range []string{`"mywasabi"`, `"wasabi2"`, `"www.mywasabi.com"`, `"/wasabi"`, `"APP": "wasabi"`, `"s3cr3t-wasabi"`, `"kiwi:web"`} {
		if !strings.Contains(text, kept) {
			t.Errorf("%s was changed; it must be left alone", kept)
		}
	}
	if strings.Contains(editLines(edits), "s3cr3t") || strings.Contains(editLines(edits), "wasabidb") {
		t.Errorf("a sensitive value is shown in the edits:\n%s", editLines(edits))
	}
	// Renaming again finds nothing: wasabi-v2 is never renamed to wasabi-v2-v2.
	again, err := RenameState("gateway", st, r, nil)
	if err != nil || len(again) != 0 {
		t.Errorf("a second rename edits %d values (%v):\n%s", len(again), err, editLines(again))
	}
}

func TestRenameExclude(t *testing.T) {
	st, _ := loadState(t, "heroku.tfstate")
	r, _ := NewRenamer("wasabi", "wasabi-v2")
	edits, err := RenameState("gateway", st, r, []string{`kong_*`, `heroku_formation.worker`, "output.*"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if strings.HasPrefix(e.Address, "kong_") || strings.HasPrefix(e.Address, "heroku_formation.worker") || strings.HasPrefix(e.Address, "output.") {
			t.Errorf("excluded %s was edited", e.Address)
		}
	}
	if len(edits) == 0 {
		t.Fatal("nothing was renamed")
	}
	_, i, _ := st.Instance(`kong_service.apps["wasabi"]`)
	if i == nil {
		t.Fatal("the excluded instance moved")
	}
}

func TestAddressMatch(t *testing.T) {
	cases := []struct {
		p, a string
		want bool
	}{
		{`heroku_app.apps["mywasabi"]`, `heroku_app.apps["mywasabi"]`, true},
		{`heroku_app.*`, `heroku_app.apps["wasabi"]`, true},
		{`*["wasabi"]`, `kong_route.apps["wasabi"]`, true},
		{`*["wasabi"]`, `kong_route.apps["wasabi2"]`, false},
		{`module.?.x`, `module.a.x`, true},
		{`kong_*`, `heroku_app.apps`, false},
	}
	for _, c := range cases {
		if got := AddressMatch(c.p, c.a); got != c.want {
			t.Errorf("AddressMatch(%q, %q) = %v", c.p, c.a, got)
		}
	}
}
