package drift

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// planOf reads a `terraform show -json` document written in the test.
func planOf(t *testing.T, doc string) *tfjson.Plan {
	t.Helper()
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return &p
}

// refreshOnlyOf is a refresh-only plan whose resource_drift holds the
// given entries (JSON objects).
func refreshOnlyOf(t *testing.T, drift ...string) *tfjson.Plan {
	t.Helper()
	return planOf(t, `{"format_version":"1.2","resource_drift":[`+strings.Join(drift, ",")+`]}`)
}

// updateOf is one resource_drift (or resource_changes) entry: an update
// of a root module resource from before to after.
func updateOf(typ, name, change string) string {
	return `{"address":"` + typ + `.` + name + `","mode":"managed","type":"` + typ + `","name":"` + name + `",
	  "change":{"actions":["update"],` + change + `}}`
}

func analyzeOne(t *testing.T, in Input) *Unit {
	t.Helper()
	in.Unit = "app"
	u, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// paths lists each drifted attribute as "address path: before → after".
func paths(u *Unit) []string {
	var out []string
	for _, r := range u.Resources {
		for _, a := range r.Attributes {
			out = append(out, r.Address+" "+a.Path+": "+text(a.Before)+" → "+text(a.After))
		}
	}
	return out
}

func TestAnalyzeNeedsTheRefreshOnlyPlan(t *testing.T) {
	if _, err := Analyze(Input{Unit: "app"}); err == nil || !strings.Contains(err.Error(), "refresh-only plan") {
		t.Fatalf("got %v", err)
	}
}

// A whole object that appears or disappears (tags set on an object that
// had none, or all removed) is reported key by key, as terraform
// addresses them.
func TestObjectFromOrToNullIsReportedByKey(t *testing.T) {
	u := analyzeOne(t, Input{RefreshOnly: refreshOnlyOf(t,
		updateOf("aws_vpc", "main", `"before":{"tags":null},"after":{"tags":{"CostCenter":"1234"}}`),
		updateOf("aws_subnet", "a", `"before":{"tags":{"Team":"core"}},"after":{"tags":null}`),
	)})
	want := []string{`aws_subnet.a tags.Team: "core" → null`, `aws_vpc.main tags.CostCenter: null → "1234"`}
	if got := paths(u); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A list whose elements were sensitive on one side only is masked
// element by element on both: a value that stops (or starts) being
// sensitive is still a secret.
func TestListSensitiveOnOneSideIsMaskedOnBoth(t *testing.T) {
	u := analyzeOne(t, Input{RefreshOnly: refreshOnlyOf(t,
		updateOf("aws_thing", "was", `"before":{"keys":["old-secret"]},"after":{"keys":["old-secret","plain"]},
		  "before_sensitive":{"keys":[true]},"after_sensitive":{}`),
		updateOf("aws_thing", "now", `"before":{"keys":["plain"]},"after":{"keys":["plain","new-secret"]},
		  "before_sensitive":{},"after_sensitive":{"keys":[false,true]}`),
	)})
	want := []string{
		`aws_thing.now keys: ["plain"] → ["plain","(sensitive)"]`,
		`aws_thing.was keys: ["(sensitive)"] → ["(sensitive)","plain"]`,
	}
	if got := paths(u); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, r := range u.Resources {
		if !r.Attributes[0].Sensitive {
			t.Errorf("%s keys: not marked sensitive", r.Address)
		}
	}
	checkNoSecretIn(t, &Report{Units: []*Unit{u}}, "old-secret", "new-secret")
}

func checkNoSecretIn(t *testing.T, r *Report, secrets ...string) {
	t.Helper()
	var b strings.Builder
	for _, w := range []func(*strings.Builder) error{
		func(b *strings.Builder) error { return WriteJSON(b, r) },
		func(b *strings.Builder) error { return WriteText(b, r) },
		func(b *strings.Builder) error { return WriteMarkdown(b, r) },
	} {
		if err := w(&b); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range secrets {
		if strings.Contains(b.String(), s) {
			t.Fatalf("%s reached a view:\n%s", s, b.String())
		}
	}
}

// A tag added by hand shows in tags and again in tags_all: reported once,
// the echo counted as noise. A default tag changed on the object shows in
// tags_all alone, and is drift.
func TestTagsAllEchoDroppedDefaultTagKept(t *testing.T) {
	u := analyzeOne(t, Input{RefreshOnly: refreshOnlyOf(t,
		updateOf("aws_vpc", "main", `
		  "before":{"tags":{"Name":"x"},"tags_all":{"Name":"x","Environment":"dev"}},
		  "after":{"tags":{"Name":"x","CostCenter":"1234"},"tags_all":{"Name":"x","Environment":"prod","CostCenter":"1234"}}`),
	)})
	want := []string{`aws_vpc.main tags.CostCenter: null → "1234"`, `aws_vpc.main tags_all.Environment: "dev" → "prod"`}
	if got := paths(u); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if u.Noise != 1 {
		t.Errorf("noise %d, want 1 (the tags_all echo)", u.Noise)
	}
	if got, want := u.Summary(), "drift in 1 resource; next apply: 2 undecided"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if c := u.Count(); c != (Counts{Resources: 1, Attributes: 2, Unknown: 2}) {
		t.Errorf("counts %+v", c)
	}
}

// A value the provider computes (a version counter) that the next apply
// recomputes is kept when the configuration does not set it; one the
// configuration sets reverts, to a value known after apply.
func TestUnknownAfterApplyRevertsOnlyWhenConfigured(t *testing.T) {
	ro := refreshOnlyOf(t, updateOf("aws_ssm_parameter", "p", `"before":{"version":1,"value":"a"},"after":{"version":2,"value":"b"}`))
	plan := planOf(t, `{"format_version":"1.2",
	  "configuration":{"root_module":{"resources":[{"address":"aws_ssm_parameter.p","mode":"managed","type":"aws_ssm_parameter","name":"p",
	    "expressions":{"value":{"references":["var.v"]}}}]}},
	  "resource_changes":[`+updateOf("aws_ssm_parameter", "p", `"before":{"version":2,"value":"b"},"after":{"value":null},"after_unknown":{"version":true,"value":true}`)+`]}`)
	u := analyzeOne(t, Input{RefreshOnly: ro, Plan: plan})
	got := map[string]string{}
	for _, a := range u.Resources[0].Attributes {
		got[a.Path] = string(a.Verdict) + " " + text(a.Planned)
	}
	want := map[string]string{"version": "keeps null", "value": `reverts "(known after apply)"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if o := u.Resources[0].Attributes[0].Origin; o == nil || !reflect.DeepEqual(o.Variables, []string{"v"}) {
		t.Errorf("value's origin from the plan's references: %+v", o)
	}
}

// Without the normal plan only ignore_changes decides; every other
// attribute waits, and the summary says how many.
func TestFixtureWithoutPlanSummary(t *testing.T) {
	u, err := Analyze(Input{Unit: "app", RefreshOnly: readPlan(t, "refresh-only.json"), Module: fixtureModule(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Summary(), "drift in 7 resources (1 deleted); next apply: 1 ignored, 7 undecided; 2 outputs changed"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if c := u.Count(); c.Attributes != 7 || c.Deleted != 1 || c.Unknown != 7 {
		t.Errorf("counts %+v", c)
	}
}
