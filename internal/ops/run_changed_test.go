package ops

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/vcs"
)

func (tr *tree) git(args ...string) {
	tr.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = tr.dir
	cmd.Env = []string{"HOME=" + tr.home, "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=ops", "GIT_AUTHOR_EMAIL=ops@example.com", "GIT_COMMITTER_NAME=ops", "GIT_COMMITTER_EMAIL=ops@example.com"}
	if out, err := cmd.CombinedOutput(); err != nil {
		tr.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// --changed-since: a changed unit selects itself and its dependents; a
// deleted unit is read at the merge base, from a checkout, with its state
// where it always was, and its destroy is planned, saved and applied.
func TestChangedSinceAndDeletedUnits(t *testing.T) {
	files := chainFiles()
	files[".gitignore"] = ".stackctl/\n"
	files["live/dev/old/unit.hcl"] = "source = \"../../../modules/step\"\ninputs = { name = \"old\" }\n"
	tr := newTree(t, files)
	tr.git("init", "-q", "-b", "main")
	tr.git("add", "-A")
	tr.git("commit", "-qm", "base")
	tr.run("apply", Apply)
	ctx := context.Background()

	tr.write("live/dev/app/unit.hcl", strings.Replace(files["live/dev/app/unit.hcl"], `name = "app"`, `name = "app2"`, 1))
	if err := os.RemoveAll(tr.path("live/dev/old")); err != nil {
		t.Fatal(err)
	}
	e := tr.load("plan")
	sel, ch, err := e.SelectChanged(ctx, vcs.Options{Ref: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Selected) != 2 || !e.Selected["app"] || !e.Selected["web"] {
		t.Errorf("selected %v, want app and its dependent web", e.Selected)
	}
	if len(sel.Deleted) != 1 || sel.Deleted[0].Path != "old" {
		t.Fatalf("deleted %+v, want old", sel.Deleted)
	}
	if narrowed := tr.load("plan", func(o *Options) { o.Units = []string{"n*"} }); !narrowed.MatchesUnits("net") || narrowed.MatchesUnits("old") || !e.MatchesUnits("old") {
		t.Error("MatchesUnits does not follow the --unit patterns")
	}
	res, _ := tr.runOn(e, Plan(false))
	if app := outcome(t, res, "app"); !app.HasChanges || res.Unit("net") != nil {
		t.Errorf("plan of the changed units: app %+v, net ran: %v", app.UnitResult, res.Unit("net") != nil)
	}

	de, closeFn, err := e.OpenAt(ctx, ch, []string{"old"})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if len(de.Selected) != 1 || !de.Selected["old"] {
		t.Errorf("at the merge base: selected %v", de.Selected)
	}
	if got := de.Unit("old").Backend.String("path"); got != tr.statePath("old") {
		t.Errorf("old's state at the merge base is read from %s, want %s", got, tr.statePath("old"))
	}
	res, _ = tr.runOn(de, DestroyDeleted(false))
	if old := outcome(t, res, "old"); old.Status != Succeeded || old.Changes.Destroy != 1 || tr.state("old").Empty() {
		t.Errorf("planned destroy of old: %s %v %+v", old.Status, old.Err, old.UnitResult)
	}
	dir := filepath.Join(t.TempDir(), "plans")
	if err := PrepareOut(dir); err != nil {
		t.Fatal(err)
	}
	res, _ = tr.runOn(de, SavePlans(dir, &DeletedAt{Commit: ch.MergeBase, Ref: "main"}))
	set := &PlanSet{Env: "dev", Units: []string{"old"}}
	if err := set.WriteIndex(dir); err != nil {
		t.Fatal(err)
	}
	if set, err = ReadPlanSet(dir); err != nil {
		t.Fatal(err)
	}
	if m := set.Manifest("old"); m == nil || !m.Destroy || m.Deleted == nil || m.Deleted.Commit != ch.MergeBase || len(set.Deleted()) != 1 {
		t.Errorf("saved destroy of old: %+v (%v)", m, outcome(t, res, "old").Err)
	}

	res, _ = tr.runOn(de, DestroyDeleted(true))
	if old := outcome(t, res, "old"); old.Status != Succeeded || old.Changes.Destroy != 1 || !tr.state("old").Empty() {
		t.Errorf("destroy of old: %s %v %+v", old.Status, old.Err, old.UnitResult)
	}
	res, _ = tr.runOn(de, DestroyDeleted(true))
	if m := outcome(t, res, "old").Message; m != "no state: nothing to destroy" {
		t.Errorf("destroy again: %q", m)
	}
	checkout := de.Stack.Root.Dir
	closeFn()
	if _, err := os.Stat(checkout); !os.IsNotExist(err) {
		t.Errorf("the checkout %s is left: %v", checkout, err)
	}
}
