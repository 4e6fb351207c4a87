package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/vcs"
)

func selection() *vcs.Selection {
	return &vcs.Selection{Ref: "origin/main", MergeBase: "0123456789abcdef0123", Env: "prod",
		Units: []vcs.SelectedUnit{
			{Path: "network", Reasons: []vcs.Reason{{Kind: vcs.ReasonUnit, File: "infra/live/prod/network/main.tf", Status: vcs.Modified}}},
			{Path: "service", Reasons: []vcs.Reason{
				{Kind: vcs.ReasonModule, File: "infra/modules/svc/main.tf", Status: vcs.Added, Module: "infra/modules/svc"},
				{Kind: vcs.ReasonDependency, Unit: "network"},
			}},
		},
		Deleted:   []vcs.DeletedUnit{{Env: "prod", Path: "old", File: "infra/live/prod/old/unit.hcl"}},
		Unmatched: []vcs.ChangedFile{{Path: "infra/live/prod/shared/x.json", Status: vcs.Modified}},
	}
}

func TestWriteSelection(t *testing.T) {
	var b bytes.Buffer
	WriteSelection(&b, selection(), false)
	want := `stackctl: 2 unit(s) of prod changed since origin/main (merge base 0123456789ab):
  network                  infra/live/prod/network/main.tf modified
  service                  infra/modules/svc/main.tf added (module infra/modules/svc)
                           depends on network
stackctl: note: infra/live/prod/shared/x.json (modified) belongs to no unit and selected nothing; if a unit reads it, that unit is not selected
stackctl: unit old was deleted since origin/main (infra/live/prod/old/unit.hcl): not destroyed: give --allow-destroy to plan its destroy
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteSelection(&b, selection(), true)
	if !strings.HasSuffix(b.String(), "(infra/live/prod/old/unit.hcl): its destroy is planned from its configuration at the merge base\n") {
		t.Errorf("with --allow-destroy:\n%s", b.String())
	}
}

// A merge base of 12 characters or fewer is shown whole.
func TestWriteSelectionNothingChanged(t *testing.T) {
	var b bytes.Buffer
	WriteSelection(&b, &vcs.Selection{Ref: "main", MergeBase: "0123456789ab", Env: "qa"}, false)
	if got := b.String(); got != "stackctl: no unit of qa changed since main (merge base 0123456789ab)\n" {
		t.Errorf("got %q", got)
	}
}

func TestChangedSinceForJSON(t *testing.T) {
	c := NewChangedSince(selection())
	if c.Ref != "origin/main" || c.MergeBase != "0123456789abcdef0123" || len(c.Reasons) != 2 || len(c.Reasons["service"]) != 2 || len(c.Deleted) != 1 || len(c.Unmatched) != 1 {
		t.Errorf("got %+v", c)
	}
	// Empty lists are lists, not null.
	var b bytes.Buffer
	if err := WriteJSON(&b, NewChangedSince(&vcs.Selection{Ref: "main"})); err != nil {
		t.Fatal(err)
	}
	var back map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if string(back["deleted"]) != "[]" || string(back["unmatched"]) != "[]" || string(back["reasons"]) != "{}" {
		t.Errorf("got %s", b.String())
	}
	got := ReasonStrings(selection())
	if len(got) != 2 || strings.Join(got["service"], "; ") != "infra/modules/svc/main.tf added (module infra/modules/svc); depends on network" {
		t.Errorf("reasons: %v", got)
	}
}
