package ops

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

// approver answers every question the same way and keeps what it was
// asked.
type approver struct {
	yes   bool
	mu    sync.Mutex
	asked []string
}

func (a *approver) Approve(context.Context, *Result) (bool, error) { return a.yes, nil }

func (a *approver) Reapprove(_ context.Context, u *UnitOutcome) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, u.Unit+": "+u.Message)
	return a.yes, nil
}

// The reviewed apply: every unit planned and shown first, then exactly
// those plans applied; a unit whose plan is no longer current by its turn
// is planned again and applied only once that new plan is approved.
func TestReviewedApply(t *testing.T) {
	tr := newTree(t, chainFiles())

	plans, _ := tr.run("apply", Review(false))
	net, app, web := outcome(t, plans, "net"), outcome(t, plans, "app"), outcome(t, plans, "web")
	if net.Plan == nil || !net.HasChanges {
		t.Errorf("net's plan was not kept: %+v", net.UnitResult)
	}
	if app.Plan == nil || !slices.Equal(app.Mocked, []string{"net"}) || len(app.Warnings) != 0 {
		t.Errorf("app: plan %v mocked %v warnings %q; want a kept plan on net's mock_outputs, the warning left to the review", app.Plan, app.Mocked, app.Warnings)
	}
	if web.Status != Succeeded || !web.Deferred || web.Plan != nil || web.Message != "planned once app is applied (it has no state yet)" {
		t.Errorf("web: %s %+v, want deferred", web.Status, web.UnitResult)
	}
	e := tr.load("apply")
	if got := e.DependsOnChanges(plans, "web"); !slices.Equal(got, []string{"app"}) {
		t.Errorf("web depends on changes of %q", got)
	}
	if got := e.DependsOnChanges(plans, "net"); len(got) != 0 {
		t.Errorf("net depends on changes of %q", got)
	}

	ap := &approver{yes: true}
	res, rec := tr.runOn(e, Reviewed(plans, false, ap))
	wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Succeeded, "web": Succeeded})
	if got := rec.order(); !slices.Equal(got, []string{"net", "app", "web"}) {
		t.Errorf("applied %q", got)
	}
	want := []string{
		"app: planned again: its plan was made on the mock_outputs of net",
		"web: planned again: it could not be planned before its dependencies existed",
	}
	if !slices.Equal(ap.asked, want) {
		t.Errorf("asked again about %q, want %q", ap.asked, want)
	}
	if slices.Contains(rec.stepsOf("net"), "plan") {
		t.Errorf("net was planned again instead of applying its reviewed plan: %q", rec.stepsOf("net"))
	}
	if got := tr.output("web", "value"); got != "web(app(net()))" {
		t.Errorf("web: %q", got)
	}

	// net changes its output: app's reviewed plan (no changes) is stale
	// once net applied, and its new plan is declined.
	tr.write("live/dev/net/unit.hcl", "source = \"../../../modules/step\"\ninputs = { name = \"net2\" }\n")
	plans, _ = tr.run("apply", Review(false))
	if outcome(t, plans, "app").HasChanges || !outcome(t, plans, "net").HasChanges {
		t.Fatalf("review: net %+v, app %+v", outcome(t, plans, "net").UnitResult, outcome(t, plans, "app").UnitResult)
	}
	no := &approver{}
	res, _ = tr.run("apply", Reviewed(plans, false, no))
	wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Failed, "web": Skipped})
	app = outcome(t, res, "app")
	if !errors.Is(app.Err, ErrDeclined) || app.Message != "not applied: its new plan was not approved" ||
		!strings.Contains(app.Err.Error(), "its dependencies' outputs changed since its plan was shown") {
		t.Errorf("app: %v, %q", app.Err, app.Message)
	}
	if len(no.asked) != 1 {
		t.Errorf("asked %q, want app alone", no.asked)
	}
	if got, now := tr.output("app", "value"), tr.output("net", "value"); got != "app(net())" || now != "net2()" {
		t.Errorf("app %q net %q: the declined plan was applied, or net's was not", got, now)
	}

	// The reviewed destroy: dependents first, exactly the plans shown.
	plans, _ = tr.run("destroy", Review(true))
	for _, u := range plans.Units {
		if u.Plan == nil || !u.Plan.Destroy || u.Changes.Destroy != 1 {
			t.Errorf("destroy review of %s: %+v", u.Unit, u.UnitResult)
		}
	}
	res, rec = tr.run("destroy", Reviewed(plans, true, ap))
	wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Succeeded, "web": Succeeded})
	if got := rec.order(); !slices.Equal(got, []string{"web", "app", "net"}) {
		t.Errorf("destroyed %q", got)
	}
	for _, p := range []string{"net", "app", "web"} {
		if !tr.state(p).Empty() {
			t.Errorf("%s still has state", p)
		}
	}
	plans, _ = tr.run("destroy", Review(true))
	if m := outcome(t, plans, "net").Message; m != "no state: nothing to destroy" {
		t.Errorf("destroy review without state: %q", m)
	}
}
