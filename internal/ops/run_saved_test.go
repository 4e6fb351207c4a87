package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// savePlans is plan --out dir: the folder prepared, the plans saved, the
// index written last, and the set read back as apply --plan reads it.
func savePlans(t *testing.T, tr *tree, dir string, sel ...string) (*Result, *PlanSet) {
	t.Helper()
	if err := PrepareOut(dir); err != nil {
		t.Fatal(err)
	}
	res, _ := tr.run("plan", SavePlans(dir, nil), sel...)
	set := &PlanSet{Env: "dev"}
	for _, u := range res.Units {
		if _, ok := u.Data.(SavedPlan); ok && u.Status == Succeeded {
			set.Units = append(set.Units, u.Unit)
		} else if u.Status != Succeeded {
			set.Failed = append(set.Failed, u.Unit)
		}
	}
	if err := set.WriteIndex(dir); err != nil {
		t.Fatal(err)
	}
	read, err := ReadPlanSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	return res, read
}

func selection(units ...string) map[string]bool {
	m := map[string]bool{}
	for _, u := range units {
		m[u] = true
	}
	return m
}

// refusal is the reasons a saved plan of unit was refused for.
func refusal(t *testing.T, err error, unit string) string {
	t.Helper()
	var refused RefusedPlans
	if errors.As(err, &refused) {
		for _, r := range refused {
			if r.Unit == unit {
				return strings.Join(r.Reasons, "; ")
			}
		}
		return ""
	}
	var one *PlanRefusedError
	if errors.As(err, &one) && one.Unit == unit {
		return strings.Join(one.Reasons, "; ")
	}
	return ""
}

// Saved plans: written with what they were made against, applied exactly
// as saved, and refused — before anything applies, or at the unit's turn —
// when what they were made against changed.
func TestSavedPlans(t *testing.T) {
	tr := newTree(t, chainFiles())
	dir := filepath.Join(t.TempDir(), "plans")
	ctx := context.Background()

	res, set := savePlans(t, tr, dir)
	if !slices.Equal(set.Units, []string{"net", "app"}) || !slices.Equal(set.Failed, []string{"web"}) {
		t.Fatalf("saved %q, failed %q", set.Units, set.Failed)
	}
	if saved, _ := outcome(t, res, "net").Data.(SavedPlan); saved.Dir != filepath.Join(dir, "net") || saved.Text == "" {
		t.Errorf("net: %+v", saved)
	}
	for _, f := range []string{PlanFileName, PlanJSONName, PlanTextName, PlanManifestName} {
		info, err := os.Stat(filepath.Join(dir, "net", f))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("net/%s: %v %v, want a 0600 file", f, info, err)
		}
	}
	if txt, _ := os.ReadFile(filepath.Join(dir, "net", PlanTextName)); !strings.Contains(string(txt), "terraform_data.this") {
		t.Errorf("net's plan text:\n%s", txt)
	}
	nm, am := set.Manifest("net"), set.Manifest("app")
	sum, _ := fileSHA256(filepath.Join(dir, "net", PlanFileName))
	if nm.State.Exists || nm.TerraformVersion == "" || !nm.HasChanges || nm.PlanSHA256 != sum || len(nm.Dependencies) != 0 {
		t.Errorf("net's manifest: %+v", nm)
	}
	if !slices.Equal(am.Mocked, []string{"net"}) || len(am.Dependencies) != 1 || !am.Dependencies[0].Mock || am.Dependencies[0].Unit != "net" {
		t.Errorf("app's manifest: %+v", am)
	}

	e := tr.load("apply")
	err := e.CheckSaved(ctx, set, selection("net", "app"))
	if r := refusal(t, err, "app"); !strings.Contains(r, "mock_outputs of net") || refusal(t, err, "net") != "" {
		t.Fatalf("CheckSaved: %v", err)
	}
	if !strings.Contains(err.Error(), "1 saved plan(s) refused, nothing was applied") {
		t.Errorf("refusal: %v", err)
	}
	if err := e.CheckSaved(ctx, set, selection("net")); err != nil {
		t.Fatalf("net alone: %v", err)
	}
	res, rec := tr.runOn(e, ApplySaved(set, false), "net")
	wantStatus(t, res, map[string]Status{"net": Succeeded})
	if net := outcome(t, res, "net"); len(net.Resources) != 1 || net.Changes.Add != 1 {
		t.Errorf("net: %+v", net.UnitResult)
	}
	if slices.Contains(rec.stepsOf("net"), "plan") || tr.output("net", "value") != "net()" {
		t.Errorf("net was not applied from its saved plan: steps %q, value %q", rec.stepsOf("net"), tr.output("net", "value"))
	}
	// Applied once: the state it was planned against is gone.
	err = tr.load("apply").CheckSaved(ctx, set, selection("net"))
	if r := refusal(t, err, "net"); !strings.Contains(r, "its state was created since it was planned") {
		t.Errorf("the applied plan again: %v", err)
	}
	// web has no saved plan; net and web do not wait for each other here.
	res, _ = tr.run("apply", ApplySaved(set, false), "net", "web")
	wantStatus(t, res, map[string]Status{"net": Failed, "web": Failed})
	if net := outcome(t, res, "net"); net.Message != "refused: plan again" || !strings.Contains(net.Err.Error(), "plan it again") {
		t.Errorf("net: %q %v", net.Message, net.Err)
	}
	if web := outcome(t, res, "web"); web.Err == nil || !strings.Contains(web.Err.Error(), "web has no saved plan in "+dir) {
		t.Errorf("web: %v", web.Err)
	}

	// On net's real outputs now: app applies from its saved plan.
	_, set = savePlans(t, tr, dir, "net", "app")
	if set.Manifest("net").HasChanges || !set.Manifest("app").HasChanges || !set.Manifest("net").State.Exists {
		t.Fatalf("manifests: net %+v app %+v", set.Manifest("net"), set.Manifest("app"))
	}
	if err := tr.load("apply").CheckSaved(ctx, set, selection("net", "app")); err != nil {
		t.Fatal(err)
	}
	res, _ = tr.run("apply", ApplySaved(set, false), "net", "app")
	wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Succeeded})
	if outcome(t, res, "net").Message != "no changes" || tr.output("app", "value") != "app(net())" {
		t.Errorf("net %q, app's value %q", outcome(t, res, "net").Message, tr.output("app", "value"))
	}

	// net's output changes when it applies: app's plan, made on the old
	// value, is refused at its turn, and nothing of it is applied.
	tr.write("live/dev/net/unit.hcl", "source = \"../../../modules/step\"\ninputs = { name = \"net2\" }\n")
	tr.write("live/dev/app/unit.hcl", strings.Replace(chainFiles()["live/dev/app/unit.hcl"], `name = "app"`, `name = "app2"`, 1))
	_, set = savePlans(t, tr, dir, "net", "app")
	if err := tr.load("apply").CheckSaved(ctx, set, selection("net", "app")); err != nil {
		t.Fatalf("net applies first, so app is checked at its turn: %v", err)
	}
	res, _ = tr.run("apply", ApplySaved(set, false), "net", "app")
	wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Failed})
	if r := refusal(t, outcome(t, res, "app").Err, "app"); !strings.Contains(r, "dependency outputs changed since it was planned (net.token, net.value)") {
		t.Errorf("app: %v", outcome(t, res, "app").Err)
	}
	if got := tr.output("app", "value"); got != "app(net())" {
		t.Errorf("app's refused plan was applied: %q", got)
	}

	// A plan file that is not the one its manifest describes, and a plan
	// of another terraform, are refused.
	_, set = savePlans(t, tr, dir, "app")
	if err := os.WriteFile(filepath.Join(dir, "app", PlanFileName), []byte("not a plan"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, _ = tr.run("apply", ApplySaved(set, false), "app")
	if r := refusal(t, outcome(t, res, "app").Err, "app"); !strings.Contains(r, "is missing or not the one its manifest describes") {
		t.Errorf("a damaged plan file: %v", outcome(t, res, "app").Err)
	}
	set.Manifest("app").TerraformVersion = "1.0.0"
	err = tr.load("apply").CheckSaved(ctx, set, selection("app"))
	if r := refusal(t, err, "app"); !strings.Contains(r, "planned with terraform 1.0.0") {
		t.Errorf("another terraform's plan: %v", err)
	}
}
