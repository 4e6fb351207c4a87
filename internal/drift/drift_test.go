package drift

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// checkLessonDrift is what the out-of-band changes must read as, whether
// from a live run or from the committed fixtures.
func checkLessonDrift(t *testing.T, u *Unit) {
	t.Helper()
	want := map[string]string{
		`aws_ecs_service.app["web"] desired_count`: "1 → 3 reverts",
		`aws_ecs_service.scaled desired_count`:     "1 → 2 ignores",
		`aws_ssm_parameter.api_key value`:          "(sensitive) → (sensitive) reverts",
		`aws_ssm_parameter.api_key version`:        "1 → 2 keeps",
		`aws_vpc.main tags.CostCenter`:             `null → "1234" reverts`,
		`aws_security_group.app ingress`:           `[] → [{"cidr_blocks":["0.0.0.0/0"],"from_port":22,"protocol":"tcp","to_port":22}] keeps`,
		`aws_iam_role.task managed_policy_arns`:    `[] → ["arn:aws:iam::aws:policy/ReadOnlyAccess"] keeps`,
		`aws_cloudwatch_log_group.app (deleted)`:   "reverts",
	}
	got := map[string]string{}
	for _, r := range u.Resources {
		if r.Deleted {
			got[r.Address+" (deleted)"] = string(r.Verdict)
		}
		for _, a := range r.Attributes {
			got[r.Address+" "+a.Path] = text(a.Before) + " → " + text(a.After) + " " + string(a.Verdict)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drift:\n got %s\nwant %s", mustJSON(got), mustJSON(want))
	}
	find := func(addr, path string) *Attribute {
		for _, r := range u.Resources {
			for _, a := range r.Attributes {
				if r.Address == addr && a.Path == path {
					return a
				}
			}
		}
		return nil
	}
	if a := find(`aws_ecs_service.app["web"]`, "desired_count"); a == nil || a.Origin == nil ||
		!reflect.DeepEqual(a.Origin.Variables, []string{"web_min_tasks"}) || a.Origin.File != "main.tf" || a.Origin.Expression != "var.web_min_tasks" || a.Planned != 1.0 {
		t.Errorf("desired_count: want planned 1 from main.tf var.web_min_tasks (through local.apps and each.value), got %s", mustJSON(a))
	}
	if a := find("aws_ssm_parameter.api_key", "value"); a == nil || !a.Sensitive || a.Planned != Masked || a.Origin == nil || !reflect.DeepEqual(a.Origin.Variables, []string{"api_key"}) {
		t.Errorf("the secret: want masked, reverting to var.api_key, got %s", mustJSON(a))
	}
	var adopt []Adoption
	for _, r := range u.Resources {
		adopt = append(adopt, r.Adopt...)
	}
	if len(adopt) != 1 || adopt[0].Type != "aws_iam_role_policy_attachment" || adopt[0].ID != "drifty-task/arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Errorf("adopt: want the attachment, got %s", mustJSON(adopt))
	}
	outs := map[string]bool{}
	for _, o := range u.Outputs {
		outs[o.Name] = o.Sensitive
		if o.Sensitive && (o.Before != Masked || o.After != Masked) {
			t.Errorf("output %s not masked: %s", o.Name, mustJSON(o))
		}
	}
	if !reflect.DeepEqual(outs, map[string]bool{"vpc_tags": false, "api_key": true}) {
		t.Errorf("outputs: got %v", outs)
	}
}

// checkNoSecrets renders every view and looks for the fixture's secrets.
func checkNoSecrets(t *testing.T, r *Report) {
	t.Helper()
	var all bytes.Buffer
	for _, w := range []func(*bytes.Buffer, *Report) error{
		func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) },
		func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) },
		func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) },
	} {
		if err := w(&all, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{secretBefore, secretAfter} {
		if strings.Contains(all.String(), s) {
			t.Fatalf("a secret reached a view:\n%s", all.String())
		}
	}
}

func readPlan(t *testing.T, name string) *tfjson.Plan {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "plans", name))
	if err != nil {
		t.Fatalf("%v (regenerate with go test ./internal/drift -run TestLiveDrift -update-fixtures)", err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func fixtureModule(t *testing.T) *Module {
	t.Helper()
	m, diags := LoadModule(filepath.Join("testdata", "module"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return m
}

func fixtureUnit(t *testing.T) *Unit {
	t.Helper()
	u, err := Analyze(Input{Unit: "app", RefreshOnly: readPlan(t, "refresh-only.json"), Plan: readPlan(t, "plan.json"), Module: fixtureModule(t)})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestFixtureDrift(t *testing.T) {
	u := fixtureUnit(t)
	checkLessonDrift(t, u)
	checkNoSecrets(t, &Report{Units: []*Unit{u}})
	if u.NeedsPlan() {
		t.Error("every verdict is known with the normal plan")
	}
}

func TestFixtureAfterCreateIsNoise(t *testing.T) {
	p := readPlan(t, "after-create.json")
	u, err := Analyze(Input{Unit: "app", RefreshOnly: p, Module: fixtureModule(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.ResourceDrift) == 0 {
		t.Fatal("the fixture should hold terraform's read-back entries")
	}
	if u.Drifted() || len(u.Outputs) != 0 || u.Noise == 0 {
		t.Fatalf("want only noise, got %s\n%s", u.Summary(), mustJSON(u))
	}
	if got := u.Summary(); got != "no drift" {
		t.Errorf("summary %q", got)
	}
}

// Without the normal plan, only ignore_changes decides; the rest waits.
func TestFixtureWithoutPlan(t *testing.T) {
	u, err := Analyze(Input{Unit: "app", RefreshOnly: readPlan(t, "refresh-only.json"), Module: fixtureModule(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := u.Count()
	if !u.NeedsPlan() || c.Ignores != 1 || c.Reverts != 0 || c.Keeps != 0 || c.Unknown == 0 {
		t.Fatalf("got %+v", c)
	}
}

func TestReportExitCode(t *testing.T) {
	drifted := fixtureUnit(t)
	clean := &Unit{Unit: "network"}
	failed := Failed("edge", os.ErrNotExist)
	for _, c := range []struct {
		units []*Unit
		want  int
	}{{[]*Unit{clean}, 0}, {[]*Unit{clean, drifted}, 2}, {[]*Unit{drifted, failed}, 1}} {
		if got := (&Report{Units: c.units}).ExitCode(); got != c.want {
			t.Errorf("%d units: exit %d, want %d", len(c.units), got, c.want)
		}
	}
}

func TestGolden(t *testing.T) {
	app := fixtureUnit(t)
	for _, res := range app.Resources {
		for _, a := range res.Attributes {
			switch res.Address + " " + a.Path {
			case `aws_ecs_service.app["web"] desired_count`:
				a.Fix = []*Fix{{File: "infra/live/dev/env.hcl", Line: 20, Input: "web_min_tasks", To: "3"}}
			case "aws_vpc.main tags.CostCenter":
				a.Fix = []*Fix{{File: "infra/modules/app/main.tf", Line: 15}}
			case "aws_ssm_parameter.api_key value":
				a.Fix = []*Fix{{File: "infra/live/dev/app/unit.hcl", Input: "api_key", Unset: true}}
			}
		}
	}
	r := &Report{Env: "dev", Units: []*Unit{
		app,
		{Unit: "network", Resources: []*Resource{}, Outputs: []*Output{}},
		{Unit: "new", Resources: []*Resource{}, Outputs: []*Output{}, NoState: true},
		Failed("edge", errString("reading the refresh-only plan: Error: No valid credential sources found\n(more lines)")),
	}}
	for _, g := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"report.txt", func(b *bytes.Buffer) error { return WriteText(b, r) }},
		{"report.md", func(b *bytes.Buffer) error { return WriteMarkdown(b, r) }},
		{"report.json", func(b *bytes.Buffer) error { return WriteJSON(b, r) }},
	} {
		var b bytes.Buffer
		if err := g.write(&b); err != nil {
			t.Fatal(err)
		}
		golden(t, g.file, b.Bytes())
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (go test ./internal/drift -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./internal/drift -run %s -update):\n%s", name, t.Name(), got)
	}
}
