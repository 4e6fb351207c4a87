package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// changedTree is secretTree with a third unit, edge, applied and
// committed; then net's input is changed and edge's folder deleted,
// uncommitted, so that --changed-since main selects net and its dependent
// app and finds edge deleted.
func changedTree(t *testing.T) string {
	t.Helper()
	dir := secretTree(t)
	if err := os.MkdirAll(filepath.Join(dir, "live/dev/edge"), 0o755); err != nil {
		t.Fatal(err)
	}
	for rel, body := range map[string]string{
		"live/dev/edge/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"edge\" }\n",
		".gitignore":             ".stackctl/\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, dir, 0, "apply", "dev", "--auto-approve")
	gitTree(t, dir)
	r := mustRun(t, dir, 0, "plan", "dev", "--changed-since", "main", "--out", "empty")
	has(t, "plan --changed-since with nothing changed", r.err, "no unit of dev changed since main")
	has(t, "plan --changed-since with nothing changed", r.out, "0 plan(s) saved in empty", "plan dev: no units")
	renameNet(t, dir, "net2")
	if err := os.RemoveAll(filepath.Join(dir, "live/dev/edge")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// edgeResources is how many resource instances edge's state still holds.
func edgeResources(t *testing.T, dir string) int {
	t.Helper()
	var st struct {
		Resources []any `json:"resources"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, ".stackctl/state/dev/edge/terraform.tfstate"))), &st); err != nil {
		t.Fatal(err)
	}
	return len(st.Resources)
}

// What --changed-since selects, as list, list --json and ci matrix say;
// plan --allow-destroy plans edge's destroy from the merge base; apply
// --auto-approve destroys it first, then applies the rest.
func TestChangedSinceWithADeletedUnit(t *testing.T) {
	dir := changedTree(t)
	r := mustRun(t, dir, 0, "list", "dev", "--changed-since", "main")
	if r.out != "net\napp\n" {
		t.Errorf("list --changed-since: %q", r.out)
	}
	has(t, "list --changed-since", r.err, "2 unit(s) of dev changed since main", "live/dev/net/unit.hcl modified", "depends on net",
		"unit edge was deleted since main (live/dev/edge/unit.hcl): not destroyed: give --allow-destroy to plan its destroy")
	r = mustRun(t, dir, 0, "list", "dev", "--changed-since", "main", "--json")
	var sel struct {
		Ref   string `json:"ref"`
		Units []struct {
			Path string `json:"path"`
		} `json:"units"`
		Deleted []struct {
			Path string `json:"path"`
		} `json:"deleted"`
		Unmatched []any `json:"unmatched"`
	}
	if err := json.Unmarshal([]byte(r.out), &sel); err != nil || sel.Ref != "main" || len(sel.Units) != 2 || len(sel.Deleted) != 1 || sel.Deleted[0].Path != "edge" || sel.Unmatched == nil {
		t.Errorf("list --changed-since --json: %v %+v\n%s", err, sel, r.out)
	}
	r = mustRun(t, dir, 0, "ci", "matrix", "dev", "--changed-since", "main")
	has(t, "ci matrix --changed-since", r.out, `"waves":[{"wave":1,"units":["net"]},{"wave":2,"units":["app"]}]`)
	r = mustRun(t, dir, 1, "list", "dev", "--changed-since", "nosuch-ref")
	has(t, "--changed-since of an unknown ref", r.err, "nosuch-ref")

	r = mustRun(t, dir, 0, "plan", "dev", "--changed-since", "main", "--allow-destroy")
	has(t, "plan --allow-destroy", r.out, "edge  succeeded  0    0       1", "deleted since main", "net   succeeded  0    1       0")
	has(t, "plan --allow-destroy", r.err, "unit edge was deleted since main (live/dev/edge/unit.hcl): its destroy is planned from its configuration at the merge base")
	r = mustRun(t, dir, 0, "plan", "dev", "--changed-since", "main", "--allow-destroy", "--format", "markdown")
	has(t, "plan --allow-destroy --format markdown", r.out, "| `edge` | succeeded | 0 | 0 | 1 | deleted since main |")
	if n := edgeResources(t, dir); n != 1 {
		t.Fatalf("plan destroyed edge: %d resources left", n)
	}

	r = mustRunWith(t, dir, invocation{tty: true}, 1, "apply", "dev", "--changed-since", "main", "--allow-destroy")
	has(t, "a reviewed apply of a deleted unit", r.err, "destroying the units deleted since main (edge) is not reviewed on a terminal")

	r = mustRun(t, dir, 0, "apply", "dev", "--changed-since", "main", "--allow-destroy", "--auto-approve")
	has(t, "apply --allow-destroy", r.out, "edge  succeeded  0    0       1", "net   succeeded  0    1       0", "apply dev: 3 succeeded")
	if n := edgeResources(t, dir); n != 0 {
		t.Errorf("edge still holds %d resources", n)
	}
	if v := netValue(t, dir); v != "net2()" {
		t.Errorf("net after apply: %q", v)
	}
}

// The same through saved plans: plan --out saves edge's destroy beside
// the others and apply --plan runs it from the merge base's
// configuration.
func TestSavedPlansWithADeletedUnit(t *testing.T) {
	dir := changedTree(t)
	r := mustRun(t, dir, 0, "plan", "dev", "--changed-since", "main", "--allow-destroy", "--out", "plans")
	has(t, "plan --out --allow-destroy", r.out, "edge  succeeded  0    0       1", "3 plan(s) saved in plans")
	if _, err := os.Stat(filepath.Join(dir, "plans/edge/plan.tfplan")); err != nil {
		t.Fatalf("edge's destroy plan: %v", err)
	}
	r = mustRun(t, dir, 1, "apply", "dev", "--plan", "plans", "--changed-since", "main", "--allow-destroy")
	has(t, "apply --plan --allow-destroy", r.err, "drop --allow-destroy (it belongs to plan --out)")
	r = mustRun(t, dir, 0, "apply", "dev", "--plan", "plans", "--format", "markdown")
	has(t, "apply --plan", r.out, "### ✅ stackctl apply `dev`", "**`edge`**: 1 resource(s) destroyed: `terraform_data.this`", "| 🔴 | `edge` | succeeded | 0 | 0 | 1 | deleted since main |")
	if n := edgeResources(t, dir); n != 0 {
		t.Errorf("edge still holds %d resources", n)
	}
	r = mustRun(t, dir, 0, "apply", "dev", "--plan", "empty")
	has(t, "apply --plan of no plans", r.err, "no saved plans to apply in empty for the selected units")
	has(t, "apply --plan of no plans", r.out, "Not planned in empty, so not applied: net, app.")
}
