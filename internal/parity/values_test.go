package parity

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
)

// envOf is one environment with one unit, app, and the given inputs; its
// domain var is <name>.example.com, prod's example.com.
func envOf(name string, inputs map[string]cty.Value) *Env {
	domain := name + ".example.com"
	if name == "prod" {
		domain = "example.com"
	}
	return &Env{Name: name, Vars: map[string]cty.Value{"domain": cty.StringVal(domain)},
		Units: []*Unit{{Path: "app", Source: "m", Inputs: inputs, InputAt: map[string]string{"v": name + ".hcl:1:1"}}}}
}

// diffValue compares input v of app between staging (a) and prod (b).
func diffValue(a, b cty.Value) *Result {
	return Compare(envOf("staging", map[string]cty.Value{"v": a}), envOf("prod", map[string]cty.Value{"v": b}), Options{})
}

// one returns the only difference, failing the test when there is not
// exactly one.
func one(t *testing.T, r *Result) Difference {
	t.Helper()
	if len(r.Differences) != 1 {
		t.Fatalf("want one difference, got:\n%s", human(r, false))
	}
	return r.Differences[0]
}

func strs(ss ...string) []cty.Value {
	out := make([]cty.Value, len(ss))
	for i, s := range ss {
		out[i] = cty.StringVal(s)
	}
	return out
}

func TestListsComparedEntryByEntry(t *testing.T) {
	r := diffValue(cty.ListVal(strs("a", "b", "c")), cty.ListVal(strs("a", "x")))
	if len(r.Differences) != 2 {
		t.Fatalf("want two differences, got:\n%s", human(r, false))
	}
	d1, d2 := find(r, "app", KindInput, "v[1]"), find(r, "app", KindInput, "v[2]")
	if d1 == nil || d1.What != "differs" || d1.A.Text != `"b"` || d1.B.Text != `"x"` || d1.A.At != "staging.hcl:1:1" || d1.B.At != "prod.hcl:1:1" {
		t.Errorf("v[1]: %+v", d1)
	}
	if d2 == nil || d2.What != "only in staging (staging has 3 entries, prod 2 entries)" || d2.A.Text != `"c"` || d2.B.Present || d2.B.At != "" {
		t.Errorf("v[2]: %+v", d2)
	}
}

func TestValuesOfOtherKinds(t *testing.T) {
	sensitive := func(v cty.Value) cty.Value { return v.Mark(config.Sensitive) }
	for _, tt := range []struct {
		name   string
		a, b   cty.Value
		what   string // "" for no difference
		aText  string
		bText  string
		bTexts string // B.Compared
	}{
		{"same number", cty.NumberIntVal(2), cty.NumberIntVal(2), "", "", "", ""},
		{"numbers", cty.NumberIntVal(2), cty.NumberFloatVal(10.5), "differs", "2", "10.5", ""},
		{"bools", cty.True, cty.False, "differs", "true", "false", ""},
		{"null and a value", cty.NullVal(cty.String), cty.StringVal("x"), "differs", "null", `"x"`, ""},
		{"a value and null", cty.StringVal("x"), cty.NullVal(cty.String), "differs", `"x"`, "null", ""},
		{"both null", cty.NullVal(cty.String), cty.NullVal(cty.Number), "", "", "", ""},
		{"types", cty.StringVal("2"), cty.NumberIntVal(2), "type differs (string, number)", `"2"`, "2", ""},
		{"list and map", cty.TupleVal(strs("a", "b")), cty.MapVal(map[string]cty.Value{"a b": cty.True, "c": cty.False}),
			"type differs (list, map)", `["a", "b"]`, `{ "a b" = true, c = false }`, ""},
		{"empty map and set", cty.EmptyObjectVal, cty.SetValEmpty(cty.String), "type differs (map, set)", "{}", "[]", ""},
		{"unknown, no reference", cty.UnknownVal(cty.String), cty.StringVal("x"), "differs", "(known after apply)", `"x"`, ""},
		{"both unknown", cty.UnknownVal(cty.String), cty.UnknownVal(cty.String), "", "", "", ""},
		{"sets in any order", cty.SetVal(strs("a", "b")), cty.SetVal(strs("b", "a")), "", "", "", ""},
		{"sets following each domain", cty.SetVal(strs("app.staging.example.com", "x")), cty.SetVal(strs("x", "app.example.com")), "", "", "", ""},
		{"sets", cty.SetVal(strs("a", "b")), cty.SetVal(strs("a", "c")), "elements differ", `["a", "b"]`, `["a", "c"]`, ""},
		{"sets of other sizes", cty.SetVal(strs("a", "b")), cty.SetVal(strs("a")), "elements differ", `["a", "b"]`, `["a"]`, ""},
		{"a map's domain", cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("a.staging.example.com")}),
			cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("b.example.com")}),
			"differs", `"a.staging.example.com"`, `"b.example.com"`, `"b.${env.domain}"`},
		{"same secret", sensitive(cty.StringVal("s")), sensitive(cty.StringVal("s")), "", "", "", ""},
		{"same secret map", sensitive(cty.MapVal(map[string]cty.Value{"k": cty.StringVal("app.staging.example.com")})),
			sensitive(cty.MapVal(map[string]cty.Value{"k": cty.StringVal("app.example.com")})), "", "", "", ""},
		{"secret maps", sensitive(cty.MapVal(map[string]cty.Value{"k": cty.StringVal("a")})),
			sensitive(cty.MapVal(map[string]cty.Value{"k": cty.StringVal("b")})), "secret differs", "(sensitive value)", "(sensitive value)", ""},
		{"secret lists", sensitive(cty.ListVal(strs("a", "b"))), sensitive(cty.ListVal(strs("a", "c"))), "secret differs", "(sensitive value)", "(sensitive value)", ""},
		{"secret sets", sensitive(cty.SetVal(strs("b", "a"))), sensitive(cty.SetVal(strs("a", "b"))), "", "", "", ""},
		{"secret unknown", sensitive(cty.UnknownVal(cty.String)), sensitive(cty.StringVal("x")), "secret differs", "(sensitive value)", "(sensitive value)", ""},
		{"secret null", sensitive(cty.NullVal(cty.String)), sensitive(cty.StringVal("x")), "secret differs", "(sensitive value)", "(sensitive value)", ""},
		{"secret in staging only", sensitive(cty.StringVal("s")), cty.StringVal("s"), "sensitive in staging only", "(sensitive value)", "(sensitive value)", ""},
		{"secret in prod only", cty.StringVal("s"), sensitive(cty.StringVal("s")), "sensitive in prod only", "(sensitive value)", "(sensitive value)", ""},
	} {
		r := diffValue(tt.a, tt.b)
		if tt.what == "" {
			if len(r.Differences) != 0 {
				t.Errorf("%s: want no difference, got:\n%s", tt.name, human(r, false))
			}
			continue
		}
		if len(r.Differences) != 1 {
			t.Errorf("%s: want one difference, got:\n%s", tt.name, human(r, false))
			continue
		}
		d := r.Differences[0]
		if d.What != tt.what || d.A.Text != tt.aText || d.B.Text != tt.bText || d.B.Compared != tt.bTexts {
			t.Errorf("%s: %q, %q / %q (compared as %q); want %q, %q / %q (%q)", tt.name, d.What, d.A.Text, d.B.Text, d.B.Compared, tt.what, tt.aText, tt.bText, tt.bTexts)
		}
	}
}

// A value that holds a secret somewhere inside is marked sensitive, and
// the secret is masked where the value is shown.
func TestSecretInsideAValue(t *testing.T) {
	a := cty.ObjectVal(map[string]cty.Value{"user": cty.StringVal("app"), "password": cty.StringVal("hunter2").Mark(config.Sensitive)})
	d := one(t, diffValue(a, cty.StringVal("x")))
	if !d.A.Sensitive || d.B.Sensitive || strings.Contains(d.A.Text, "hunter2") || d.A.Text != `{ password = (sensitive value), user = "app" }` {
		t.Errorf("sides: %+v / %+v", d.A, d.B)
	}
}

// Map keys are paired by their placeholders; a key in one environment
// only is reported under its path.
func TestMapKeys(t *testing.T) {
	a := cty.MapVal(map[string]cty.Value{"app.staging.example.com": cty.NumberIntVal(1), "old key": cty.NumberIntVal(1)})
	b := cty.MapVal(map[string]cty.Value{"app.example.com": cty.NumberIntVal(2), "new": cty.NumberIntVal(1)})
	r := diffValue(a, b)
	if len(r.Differences) != 3 {
		t.Fatalf("want three differences, got:\n%s", human(r, false))
	}
	if d := find(r, "app", KindInput, `v["app.${env.domain}"]`); d == nil || d.What != "differs" || d.A.Text != "1" || d.B.Text != "2" {
		t.Errorf("the domain key: %+v", r.Differences)
	}
	if d := find(r, "app", KindInput, `v["old key"]`); d == nil || d.What != "only in staging" || d.B.Present {
		t.Errorf("the key only in staging: %+v", r.Differences)
	}
	if d := find(r, "app", KindInput, "v.new"); d == nil || d.What != "only in prod" || d.A.Present {
		t.Errorf("the key only in prod: %+v", r.Differences)
	}
}
