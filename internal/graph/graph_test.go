package graph

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"

	"github.com/stackctl/stackctl/internal/testutil"
)

func TestOrderIsDeterministicAndRespectsDependencies(t *testing.T) {
	g, cycle := New([]string{"edge", "service", "database", "network", "monitoring"}, map[string][]string{
		"edge": {"service"}, "service": {"database", "network"}, "database": {"network"}, "monitoring": {"network"},
	})
	if cycle != nil {
		t.Fatalf("unexpected cycle %v", cycle)
	}
	want := []string{"network", "database", "monitoring", "service", "edge"}
	if got := g.Order(); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if got := g.TransitiveDependents("database"); !slices.Equal(got, []string{"edge", "service"}) {
		t.Fatalf("dependents of database: %v", got)
	}
}

// A unit freed by the one just taken can rank before every unit already
// waiting (b, freed by a, before y and z) or after them all (zz, freed by
// b): ties are always broken by name, never by when a unit became ready.
func TestOrderMergesNewlyReadyUnitsByName(t *testing.T) {
	g, cycle := New([]string{"a", "z", "b", "zz", "y"}, map[string][]string{"b": {"a"}, "zz": {"b"}})
	if cycle != nil {
		t.Fatalf("unexpected cycle %v", cycle)
	}
	want := []string{"a", "b", "y", "z", "zz"}
	if got := g.Order(); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestCycleListsEveryUnitOnIt(t *testing.T) {
	_, cycle := New([]string{"a", "b", "c", "d"}, map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
	slices.Sort(cycle)
	if !slices.Equal(cycle, []string{"a", "b", "c"}) {
		t.Fatalf("cycle %v", cycle)
	}
	_, cycle = New([]string{"a"}, map[string][]string{"a": {"a"}})
	if !slices.Equal(cycle, []string{"a"}) {
		t.Fatalf("self cycle %v", cycle)
	}
}

func TestSelect(t *testing.T) {
	g, _ := New([]string{"network", "apps/api", "apps/web", "data/db"}, nil)
	cases := []struct {
		patterns []string
		want     []string
		err      string
	}{
		{nil, []string{"apps/api", "apps/web", "data/db", "network"}, ""},
		{[]string{"apps"}, []string{"apps/api", "apps/web"}, ""},
		{[]string{"apps/*"}, []string{"apps/api", "apps/web"}, ""},
		{[]string{"**/db", "network"}, []string{"data/db", "network"}, ""},
		{[]string{"*/api"}, []string{"apps/api"}, ""},
		{[]string{"nope"}, nil, `no unit matches "nope"; units: apps/api, apps/web, data/db, network`},
		{[]string{"[x"}, nil, "invalid --unit pattern"},
	}
	for _, c := range cases {
		sel, err := g.Select(c.patterns)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.patterns, err, c.err)
			}
			continue
		}
		var got []string
		for n := range sel {
			got = append(got, n)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%v selected %v, want %v", c.patterns, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	g, _ := New([]string{"a", "b"}, map[string][]string{"b": {"a"}})
	var sb strings.Builder
	if err := g.Write(&sb, "mermaid"); err != nil {
		t.Fatal(err)
	}
	if sb.String() != "graph RL\n    n0[\"a\"]\n    n1[\"b\"]\n    n1 --> n0\n" {
		t.Fatalf("mermaid:\n%s", sb.String())
	}
	if err := g.Write(&sb, "svg"); err == nil {
		t.Fatal("unknown format accepted")
	}
}

func TestFromStackCycleSaysWhere(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":                 `project = "p"`,
		"infra/live/dev/env.hcl":       ``,
		"infra/live/dev/a/unit.hcl":    "dependency \"b\" {\n  path = \"../b\"\n}\n",
		"infra/live/dev/b/unit.hcl":    "\ndependency \"a\" {\n  path = \"../a\"\n}\n",
		"infra/live/dev/free/unit.hcl": ``,
	})
	st, diags := config.NewLoader(config.Options{Dir: dir}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	g, diags := FromStack(st)
	if g != nil || len(diags) != 1 {
		t.Fatalf("graph %v, diagnostics %v", g, diags)
	}
	d := diags[0]
	for _, want := range []string{"a → b → a", "a depends on b at " + filepath.FromSlash("infra/live/dev/a/unit.hcl") + ":1:1", "b depends on a at " + filepath.FromSlash("infra/live/dev/b/unit.hcl") + ":2:1"} {
		if !strings.Contains(d.Summary+" "+d.Detail, want) {
			t.Errorf("%q not in %s: %s", want, d.Summary, d.Detail)
		}
	}
	if d.Subject == nil || d.Subject.Start.Line != 1 {
		t.Errorf("subject %v", d.Subject)
	}
}
