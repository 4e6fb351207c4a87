package ops

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/surgery"
	"github.com/stackctl/stackctl/internal/testutil"
)

const sharedResource = `
resource "terraform_data" "shared" {
  input = "shared"
}
`

// surgeryTree is the chain with one more resource in net, which state mv
// moves to app.
func surgeryTree(t *testing.T) *tree {
	files := chainFiles()
	files["modules/netx/main.tf"] = stepModule + sharedResource
	files["modules/appx/main.tf"] = stepModule
	files["live/dev/net/unit.hcl"] = "source = \"../../../modules/netx\"\ninputs = { name = \"net\" }\n"
	files["live/dev/app/unit.hcl"] = strings.Replace(files["live/dev/app/unit.hcl"], "modules/step", "modules/appx", 1)
	return newTree(t, files)
}

func idOf(t *testing.T, tr *tree, unit, addr string) string {
	t.Helper()
	st := tr.state(unit)
	if st == nil {
		return ""
	}
	_, inst, err := st.Instance(addr)
	if err != nil || inst == nil {
		return ""
	}
	vals, err := inst.AttributeValues()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := vals["id"].(string)
	return id
}

// runSurgery prepares a surgery on a fresh engine, as each command loads
// one, and runs it.
func runSurgery(t *testing.T, tr *tree, prepare func(context.Context, surgery.Env) (*surgery.Surgery, error)) (*surgery.Report, string, error) {
	t.Helper()
	ctx := context.Background()
	env := NewSurgeryEnv(tr.load("state"), RunOptions{Parallelism: 2})
	s, err := prepare(ctx, env)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	env.SetRun(RunOptions{Parallelism: 2, Observer: newRecorder()})
	var log testutil.SyncBuffer
	rep, err := s.Run(ctx, &log)
	return rep, log.String(), err
}

// state mv through the engine: verified with real plans, rolled back when
// they show the configuration was not moved, done when it was.
func TestStateMoveIsVerifiedByPlans(t *testing.T) {
	tr := surgeryTree(t)
	tr.run("apply", Apply, "net", "app")
	id := idOf(t, tr, "net", "terraform_data.shared")
	if id == "" {
		t.Fatal("net's state holds no terraform_data.shared")
	}
	lineage := tr.state("net").Lineage
	mv := func(ctx context.Context, env surgery.Env) (*surgery.Surgery, error) {
		return surgery.PrepareStateMove(ctx, env, surgery.MoveOptions{FromUnit: "net", From: "terraform_data.shared", ToUnit: "app", To: "terraform_data.shared", Command: "state mv"})
	}

	_, log, err := runSurgery(t, tr, mv)
	if err == nil || !strings.Contains(err.Error(), "verification failed") || !strings.Contains(err.Error(), "terraform_data.shared would be created again") {
		t.Fatalf("a move the configuration does not follow: %v\n%s", err, log)
	}
	if idOf(t, tr, "net", "terraform_data.shared") != id || idOf(t, tr, "app", "terraform_data.shared") != "" {
		t.Fatal("the refused move was not rolled back")
	}

	tr.write("modules/netx/main.tf", stepModule)
	tr.write("modules/appx/main.tf", stepModule+sharedResource)
	rep, log, err := runSurgery(t, tr, mv)
	if err != nil {
		t.Fatalf("state mv: %v\n%s", err, log)
	}
	if idOf(t, tr, "app", "terraform_data.shared") != id || idOf(t, tr, "net", "terraform_data.shared") != "" || tr.state("net").Lineage != lineage {
		t.Errorf("after the move: app %q, net %q", idOf(t, tr, "app", "terraform_data.shared"), idOf(t, tr, "net", "terraform_data.shared"))
	}
	var verified []string
	for _, p := range rep.Plans {
		verified = append(verified, p.Unit+": "+p.Summary)
	}
	slices.Sort(verified)
	if want := []string{"app: no changes", "net: no changes"}; !slices.Equal(verified, want) {
		t.Errorf("verification plans %q, want %q", verified, want)
	}
	if backups, _ := os.ReadDir(tr.path(".stackctl/backups/dev/net")); len(backups) == 0 {
		t.Error("no backup of net's state before the move")
	}
	list, err := surgery.List(context.Background(), NewSurgeryEnv(tr.load(""), RunOptions{}))
	if err != nil || len(list) != 3 {
		t.Errorf("state list after the move: %+v, %v", list, err)
	}
}

// mv-unit with local state: the folder and its state move together, the
// dependents' paths are rewritten, and the plan at the new path is clean.
func TestMoveUnitMovesItsState(t *testing.T) {
	tr := newTree(t, chainFiles())
	tr.run("apply", Apply)
	before := tr.state("app")
	id := idOf(t, tr, "app", "terraform_data.this")
	if id == "" {
		t.Fatal("app's state holds no terraform_data.this")
	}
	_, log, err := runSurgery(t, tr, func(ctx context.Context, env surgery.Env) (*surgery.Surgery, error) {
		return surgery.PrepareMoveUnit(ctx, env, surgery.MoveUnitOptions{From: "app", To: "data/app", Command: "mv-unit"})
	})
	if err != nil {
		t.Fatalf("mv-unit: %v\n%s", err, log)
	}
	after := tr.state("data/app")
	if tr.state("app") != nil || after == nil || after.Lineage != before.Lineage || after.Serial != before.Serial+1 || idOf(t, tr, "data/app", "terraform_data.this") != id {
		t.Fatalf("state after mv-unit: old %v, new %+v (before %+v)", tr.state("app") != nil, after, before)
	}
	if got := tr.read("live/dev/web/unit.hcl"); !strings.Contains(got, `path = "../data/app"`) {
		t.Errorf("web's dependency path not rewritten:\n%s", got)
	}
	if _, err := os.Stat(tr.path("live/dev/app")); !os.IsNotExist(err) {
		t.Errorf("the old folder is still there: %v", err)
	}
	res, _ := tr.run("plan", Plan(false))
	if res.HasChanges() || res.Failed() {
		for _, u := range res.Units {
			t.Errorf("plan after mv-unit: %s %s %v %+v", u.Unit, u.Status, u.Err, u.Changes)
		}
	}
}
