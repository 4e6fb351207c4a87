package ops

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/drift"
	"github.com/stackctl/stackctl/internal/terraform"
)

// One chain, taken through its life: planned before anything exists,
// applied with --auto-approve, read by the operations that change
// nothing, then destroyed. The checks that only read share the applied
// tree instead of applying their own.
func TestChainLifecycle(t *testing.T) {
	tr := newTree(t, chainFiles())

	t.Run("plan before anything exists", func(t *testing.T) {
		res, _ := tr.run("plan", Plan(false))
		wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Succeeded, "web": Failed})
		net, app, web := outcome(t, res, "net"), outcome(t, res, "app"), outcome(t, res, "web")
		if !net.HasChanges || net.Changes == nil || net.Changes.Add != 1 || net.Summary() != net.Changes.String() {
			t.Errorf("net: %+v, want 1 to add", net.UnitResult)
		}
		if !slices.Equal(app.Mocked, []string{"net"}) || !strings.Contains(strings.Join(app.Warnings, "\n"), "mock_outputs of net") {
			t.Errorf("app was not planned on net's mock_outputs: mocked %v, warnings %q", app.Mocked, app.Warnings)
		}
		if web.Err == nil || !strings.Contains(web.Err.Error(), `dependency "app" (unit app`) || !strings.Contains(web.Err.Error(), "has no state yet") {
			t.Errorf("web: %v, want app's missing state named", web.Err)
		}
		if !res.HasChanges() || !res.Failed() {
			t.Errorf("HasChanges %v Failed %v, want both", res.HasChanges(), res.Failed())
		}
		for _, u := range res.Units {
			if u.Plan != nil {
				t.Errorf("%s: plan(false) kept a plan", u.Unit)
			}
		}
		if tr.state("net") != nil {
			t.Error("a plan wrote net's state")
		}
	})

	t.Run("drift without state needs no terraform", func(t *testing.T) {
		res, rec := tr.run("drift", Drift(false))
		for _, p := range []string{"net", "app", "web"} {
			du, _ := outcome(t, res, p).Data.(*drift.Unit)
			if du == nil || !du.NoState {
				t.Errorf("%s: %+v, want no state", p, du)
			}
			if slices.Contains(rec.stepsOf(p), "plan") {
				t.Errorf("%s was planned: %q", p, rec.stepsOf(p))
			}
		}
	})

	t.Run("apply in dependency order", func(t *testing.T) {
		res, rec := tr.run("apply", Apply)
		wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Succeeded, "web": Succeeded})
		if got := rec.order(); !slices.Equal(got, []string{"net", "app", "web"}) {
			t.Errorf("started %q, want net, app, web", got)
		}
		for _, p := range []string{"net", "app", "web"} {
			u := outcome(t, res, p)
			if !u.HasChanges || u.Changes.Add != 1 {
				t.Errorf("%s: %+v, want 1 added", p, u.UnitResult)
			}
			info, err := os.Stat(tr.statePath(p))
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s's state: %v %v, want mode 0600", p, info, err)
			}
		}
		if got := tr.output("web", "value"); got != "web(app(net()))" {
			t.Errorf("web's value %q: it did not read app's real output", got)
		}
		// app received net's token: terraform's output for app never shows it.
		if out := rec.output("app"); strings.Contains(out, "tok-net-9f3a") || out == "" {
			t.Errorf("app's output shows net's token (or is empty):\n%s", out)
		}
	})

	t.Run("plan after apply has no changes", func(t *testing.T) {
		res, _ := tr.run("plan", Plan(false))
		for _, u := range res.Units {
			if u.Status != Succeeded || u.HasChanges || u.Message != "no changes" || u.Summary() != "no changes" {
				t.Errorf("%s: %s %+v", u.Unit, u.Status, u.UnitResult)
			}
		}
		if res.HasChanges() || res.Failed() {
			t.Error("a clean plan reports changes or a failure")
		}
	})

	t.Run("an output-only change", func(t *testing.T) {
		tr.write("live/dev/net/extra.tf", "output \"extra\" {\n  value = \"x\"\n}\n")
		defer os.Remove(tr.path("live/dev/net/extra.tf"))
		res, _ := tr.run("plan", Plan(false), "net")
		net := outcome(t, res, "net")
		if !net.HasChanges || net.Changes.Any() || !net.Changes.Outputs || net.Message != "outputs change" || net.Summary() != "outputs change" {
			t.Errorf("net: %+v, want an output-only change", net.UnitResult)
		}
	})

	t.Run("validate and init", func(t *testing.T) {
		res, rec := tr.run("validate", Validate)
		for _, u := range res.Units {
			if u.Status != Succeeded || u.Message != "valid" {
				t.Errorf("validate %s: %s %v", u.Unit, u.Status, u.Err)
			}
			// The apply's init still holds: validate needs no other.
			if slices.Contains(rec.stepsOf(u.Unit), "init") {
				t.Errorf("validate %s ran init again: %q", u.Unit, rec.stepsOf(u.Unit))
			}
		}
		res, rec = tr.run("init", Init)
		for _, u := range res.Units {
			if u.Status != Succeeded || u.Message != "initialized" {
				t.Errorf("init %s: %s %v", u.Unit, u.Status, u.Err)
			}
			if n := strings.Count(strings.Join(rec.stepsOf(u.Unit), ","), "init"); n != 1 {
				t.Errorf("init %s: steps %q, want one init", u.Unit, rec.stepsOf(u.Unit))
			}
		}
	})

	t.Run("run a terraform command", func(t *testing.T) {
		res, rec := tr.run("run", RunCommand([]string{"state", "list"}))
		for _, p := range []string{"net", "app", "web"} {
			u := outcome(t, res, p)
			if u.Status != Succeeded || u.Message != "terraform state list" {
				t.Errorf("%s: %s %v %q", p, u.Status, u.Err, u.Message)
			}
			if !strings.Contains(rec.output(p), "terraform_data.this") {
				t.Errorf("%s: state list printed\n%s", p, rec.output(p))
			}
		}
		res, _ = tr.run("run", RunCommand([]string{"state", "show", "terraform_data.nothing"}), "net")
		if u := outcome(t, res, "net"); u.Status != Failed || !strings.Contains(u.Err.Error(), "terraform state failed") {
			t.Errorf("a failing command: %s %v", u.Status, u.Err)
		}
	})

	t.Run("which terraform commands write", func(t *testing.T) {
		for args, want := range map[string]bool{
			"apply": true, "state rm": true, "state mv": true, "import": true,
			"state list": false, "plan": false, "output": false, "state": false, "": false,
		} {
			if got := Writes(strings.Fields(args)); got != want {
				t.Errorf("Writes(%q) = %v", args, got)
			}
		}
		if !RunCommand([]string{"state", "rm", "x"}).Writes || RunCommand([]string{"state", "list"}).Writes {
			t.Error("run does not read state fresh for a command that writes it")
		}
	})

	t.Run("state read by the commands that read it", func(t *testing.T) {
		e := tr.load("")
		ctx := context.Background()
		managed, err := e.Managed(ctx)
		if err != nil || len(managed) != 3 {
			t.Fatalf("Managed: %+v, %v", managed, err)
		}
		outs, err := e.Outputs(ctx, e.Ordered(), nil)
		if err != nil || !outs["net"].Outputs["token"].Sensitive || outs["net"].Outputs["value"].Sensitive {
			t.Errorf("outputs: %+v, %v", outs["net"], err)
		}
		if reps, err := e.Bootstrap(ctx, false); err != nil || len(reps) != 0 {
			t.Errorf("bootstrap with local state: %v, %v", reps, err)
		}
	})

	t.Run("drift of an untouched tree, then of an output changed in state", func(t *testing.T) {
		res, _ := tr.run("drift", Drift(false))
		for _, u := range res.Units {
			du, _ := u.Data.(*drift.Unit)
			if u.Status != Succeeded || du == nil || du.NoState || du.Drifted() || len(du.Outputs) != 0 || u.HasChanges {
				t.Errorf("%s: %s %v %+v", u.Unit, u.Status, u.Err, du)
			}
		}
		tr.write(".stackctl/state/dev/net/terraform.tfstate", strings.Replace(tr.read(".stackctl/state/dev/net/terraform.tfstate"), `"value": "net()"`, `"value": "changed by hand"`, 1))
		if tr.output("net", "value") != "changed by hand" {
			t.Fatal("the test did not change net's state")
		}
		res, _ = tr.run("drift", Drift(true), "net")
		du, _ := outcome(t, res, "net").Data.(*drift.Unit)
		if du == nil || len(du.Outputs) != 1 || du.Drifted() || !strings.Contains(du.Summary(), "1 output changed") {
			t.Errorf("net after its output was changed: %+v", du)
		}
		if outcome(t, res, "net").Plan != nil {
			t.Error("drift kept a plan of a unit whose resources did not drift")
		}
	})

	t.Run("accept what a refresh-only plan shows", func(t *testing.T) {
		drifted, _ := tr.run("drift", keepRefreshOnly(), "net", "app")
		res, _ := tr.run("drift", Accept(drifted), "net", "app", "web")
		wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Succeeded, "web": Succeeded})
		net := outcome(t, res, "net")
		if !strings.HasPrefix(net.Message, "drift accepted into state and verified; the state it replaced is kept in .stackctl/backups/dev/net/") {
			t.Errorf("net: %q", net.Message)
		}
		if got := tr.output("net", "value"); got != "net()" {
			t.Errorf("net's value after accept: %q", got)
		}
		if outcome(t, res, "web").Message != "no drift to accept" {
			t.Errorf("web: %q", outcome(t, res, "web").Message)
		}
		backups, _ := os.ReadDir(tr.path(".stackctl/backups/dev/net"))
		found := false
		for _, b := range backups {
			data, _ := os.ReadFile(tr.path(".stackctl/backups/dev/net/" + b.Name()))
			found = found || strings.Contains(string(data), "changed by hand")
		}
		if !found {
			t.Errorf("no backup of the state accept replaced among %v", backups)
		}
	})

	t.Run("destroy in reverse order", func(t *testing.T) {
		res, rec := tr.run("destroy", Destroy)
		wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Succeeded, "web": Succeeded})
		if got := rec.order(); !slices.Equal(got, []string{"web", "app", "net"}) {
			t.Errorf("destroyed %q, want web, app, net", got)
		}
		for _, p := range []string{"net", "app", "web"} {
			if u := outcome(t, res, p); u.Changes.Destroy != 1 {
				t.Errorf("%s: %+v, want 1 destroyed", p, u.UnitResult)
			}
			if st := tr.state(p); !st.Empty() {
				t.Errorf("%s still has state: %d instances", p, st.Instances())
			}
		}
		res, rec = tr.run("destroy", Destroy)
		for _, u := range res.Units {
			if u.Message != "no state: nothing to destroy" || slices.Contains(rec.stepsOf(u.Unit), "destroy") {
				t.Errorf("%s destroyed again: %q %q", u.Unit, u.Message, rec.stepsOf(u.Unit))
			}
		}
	})
}

// keepRefreshOnly keeps every unit's refresh-only plan, as drift
// --accept's run keeps those of drifted units: Accept applies whatever it
// is given.
func keepRefreshOnly() Operation {
	return Operation{
		Name: "drift", Deps: StateOnly, Order: Independent, Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			if err := u.Prepare(ctx); err != nil {
				return UnitResult{}, err
			}
			p, err := u.Plan(ctx, terraform.PlanOptions{RefreshOnly: true, JSON: true})
			if err != nil {
				return UnitResult{}, err
			}
			return u.Planned(p, true), nil
		},
	}
}
