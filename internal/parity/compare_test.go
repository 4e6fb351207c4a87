package parity

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestDependencies(t *testing.T) {
	a := &Env{Name: "staging", Units: []*Unit{{Path: "app", Dependencies: map[string]string{"network": "network", "db": "db", "cache": "redis"}}}}
	b := &Env{Name: "prod", Units: []*Unit{{Path: "app", Dependencies: map[string]string{"network": "network", "queue": "sqs", "cache": "memcached"}}}}
	r := Compare(a, b, Options{})
	if len(r.Differences) != 3 {
		t.Fatalf("want three differences, got:\n%s", human(r, false))
	}
	for _, w := range []struct{ name, what, a, b string }{
		{"cache", "points at another unit", "redis", "memcached"},
		{"db", "only in staging", "db", "(absent)"},
		{"queue", "only in prod", "(absent)", "sqs"},
	} {
		d := find(r, "app", KindDependency, w.name)
		if d == nil || d.What != w.what || sideText(d.A) != w.a || sideText(d.B) != w.b {
			t.Errorf("dependency %s: %+v", w.name, d)
		}
	}
	if !strings.Contains(human(r, false), "  ! dependency cache: points at another unit\n      staging  redis\n      prod     memcached\n") {
		t.Errorf("view:\n%s", human(r, false))
	}
}

// Differences are listed unit by unit; within a unit by kind (source,
// version, dependencies, inputs, resources), and in order within a kind.
func TestDifferencesInOrder(t *testing.T) {
	a := &Env{Name: "staging", Units: []*Unit{
		{Path: "b", Source: "m1", Version: "v1", Dependencies: map[string]string{"x": "a"},
			Inputs: map[string]cty.Value{"p": cty.True, "q": cty.True, "r": cty.True}},
		{Path: "only-staging", Source: "m"},
	}}
	b := &Env{Name: "prod", Units: []*Unit{
		{Path: "a", Source: "m"},
		{Path: "b", Source: "m2", Dependencies: map[string]string{"x": "c"},
			Inputs: map[string]cty.Value{"p": cty.False, "q": cty.False, "r": cty.False}},
	}}
	sa := StateResources{"b": {"aws_s3_bucket.x": 1, "aws_s3_bucket.y": 2}}
	sb := StateResources{"b": {"aws_s3_bucket.z": 1, "aws_s3_bucket.y": 1}}
	r := Compare(a, b, Options{StateA: sa, StateB: sb})
	var got []string
	for _, d := range r.Differences {
		got = append(got, d.Unit+" "+string(d.Kind)+" "+d.Path+": "+d.What+" ("+sideText(d.A)+", "+sideText(d.B)+")")
	}
	want := []string{
		"a unit : only in prod ((absent), m)",
		"b source : module source differs (m1, m2)",
		"b version : module version differs (v1, (absent))",
		"b dependency x: points at another unit (a, c)",
		"b input p: differs (true, false)",
		"b input q: differs (true, false)",
		"b input r: differs (true, false)",
		"b resource aws_s3_bucket.x: only in staging's state (1 instance, (absent))",
		"b resource aws_s3_bucket.y: instance count differs (2 instances, 1 instance)",
		"b resource aws_s3_bucket.z: only in prod's state ((absent), 1 instance)",
		"only-staging unit : only in staging (m, (absent))",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Units != 3 || r.Undeclared != len(want) || r.Declared != 0 {
		t.Errorf("units %d undeclared %d declared %d", r.Units, r.Undeclared, r.Declared)
	}
}

// Resource addresses are paired by their placeholders, like values.
func TestStateAddressesFollowEachDomain(t *testing.T) {
	a, b := envOf("staging", nil), envOf("prod", nil)
	sa := StateResources{"app": {`aws_route53_record.staging`: 1}}
	sb := StateResources{"app": {`aws_route53_record.prod`: 1}}
	if r := Compare(a, b, Options{StateA: sa, StateB: sb}); len(r.Differences) != 0 || !r.StateCompared {
		t.Errorf("want no difference, got:\n%s", human(r, false))
	}
	// State of one environment only: the other holds nothing.
	r := Compare(a, b, Options{StateB: sb})
	if d := one(t, r); d.What != "only in prod's state" || d.Path != "aws_route53_record.prod" {
		t.Errorf("got %+v", d)
	}
	if !strings.Contains(human(r, false), "(1 unit compared, with their state)") {
		t.Errorf("summary: %s", human(r, false))
	}
}

func TestSummaries(t *testing.T) {
	a, b := pair()
	r := Compare(a, b, Options{})
	var md bytes.Buffer
	r.WriteMarkdown(&md)
	if got := strings.SplitN(md.String(), "\n", 4)[2]; got != "**3 undeclared differences, 0 declared (1 unit compared)**" {
		t.Errorf("undeclared: %q", got)
	}
	for i := range r.Differences {
		r.Differences[i].Declared = true
	}
	r.Undeclared, r.Declared = 0, 3
	md.Reset()
	r.WriteMarkdown(&md)
	if got := strings.SplitN(md.String(), "\n", 4)[2]; got != "0 undeclared differences, 3 declared (1 unit compared)" {
		t.Errorf("all declared: %q", got)
	}
	if strings.Contains(md.String(), "Undeclared differences") {
		t.Errorf("an empty table:\n%s", md.String())
	}
	one := &Result{EnvA: "a", EnvB: "b", Units: 1, Undeclared: 1, Differences: []Difference{{Unit: "u", Kind: KindInput, Path: "x", What: "differs"}}}
	if got := one.summary(); got != "1 undeclared difference, 0 declared (1 unit compared)" {
		t.Errorf("one: %q", got)
	}
}
