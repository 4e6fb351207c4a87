package parity

import (
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
)

// pair is staging and prod with one unit, apps/web, that differs in its
// module source, version and desired_count.
func pair() (*Env, *Env) {
	a := &Env{Name: "staging", Units: []*Unit{{Path: "apps/web", Source: "git::https://git.example.com/web.git", Version: "v1",
		Inputs: map[string]cty.Value{"desired_count": cty.NumberIntVal(2)}}}}
	b := &Env{Name: "prod", Units: []*Unit{{Path: "apps/web", Source: "git::https://git.example.com/web2.git", Version: "v2",
		Inputs: map[string]cty.Value{"desired_count": cty.NumberIntVal(6)}}}}
	return a, b
}

// declaredKinds compares the pair under the declarations and says, per
// kind of difference found, whether it is declared and with which reason.
func declaredKinds(t *testing.T, decls ...config.DeclaredDifference) map[Kind]string {
	t.Helper()
	a, b := pair()
	r := Compare(a, b, Options{Parity: &config.Parity{Differences: decls}})
	out := map[Kind]string{}
	for _, d := range r.Differences {
		out[d.Kind] = "undeclared"
		if d.Declared {
			out[d.Kind] = d.Reason
		}
	}
	if len(out) != 3 {
		t.Fatalf("want a source, a version and an input difference, got %+v", r.Differences)
	}
	return out
}

func TestDeclarationScope(t *testing.T) {
	count := []string{"desired_count"}
	for _, tt := range []struct {
		name string
		decl config.DeclaredDifference
		want string // for the desired_count difference
	}{
		{"every unit, every env", config.DeclaredDifference{Inputs: count}, "r"},
		{"another env only", config.DeclaredDifference{Inputs: count, Envs: []string{"qa"}}, "undeclared"},
		{"the first env", config.DeclaredDifference{Inputs: count, Envs: []string{"qa", "staging"}}, "r"},
		{"the second env", config.DeclaredDifference{Inputs: count, Envs: []string{"prod"}}, "r"},
		{"the unit's folder", config.DeclaredDifference{Inputs: count, Units: []string{"apps"}}, "r"},
		{"a glob", config.DeclaredDifference{Inputs: count, Units: []string{"db", "apps/*"}}, "r"},
		{"another unit", config.DeclaredDifference{Inputs: count, Units: []string{"db", "apps/api"}}, "undeclared"},
		{"another input", config.DeclaredDifference{Inputs: []string{"max_count"}}, "undeclared"},
		{"resources only", config.DeclaredDifference{Resources: []string{"*"}}, "undeclared"},
		{"source only", config.DeclaredDifference{Source: true}, "undeclared"},
		{"the whole unit", config.DeclaredDifference{Units: []string{"apps/web"}}, "r"},
	} {
		tt.decl.Reason = "r"
		if got := declaredKinds(t, tt.decl)[KindInput]; got != tt.want {
			t.Errorf("%s: desired_count %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestDeclaredSourceCoversTheVersion(t *testing.T) {
	got := declaredKinds(t,
		config.DeclaredDifference{Inputs: []string{"*"}, Reason: "inputs"},
		config.DeclaredDifference{Source: true, Reason: "web moves repository"},
	)
	if got[KindSource] != "web moves repository" || got[KindVersion] != "web moves repository" || got[KindInput] != "inputs" {
		t.Errorf("got %v", got)
	}
}

// The first declaration that covers a difference gives its reason.
func TestFirstDeclarationWins(t *testing.T) {
	got := declaredKinds(t,
		config.DeclaredDifference{Envs: []string{"qa"}, Reason: "qa only"},
		config.DeclaredDifference{Units: []string{"apps/**"}, Reason: "first"},
		config.DeclaredDifference{Reason: "second"},
	)
	for k, reason := range got {
		if reason != "first" {
			t.Errorf("%s: %s, want first", k, reason)
		}
	}
}

// HCL takes "" as an object key, so an input may have the empty name; a
// declaration of every input ("*") covers it too.
func TestStarCoversAnInputWithTheEmptyName(t *testing.T) {
	a, b := pair()
	b.Units[0].Inputs[""] = cty.StringVal("x")
	a.Units[0].Source, a.Units[0].Version = b.Units[0].Source, b.Units[0].Version
	r := Compare(a, b, Options{Parity: &config.Parity{Differences: []config.DeclaredDifference{{Inputs: []string{"*"}, Reason: "r"}}}})
	if len(r.Differences) != 2 || r.HasUndeclared() {
		t.Fatalf("want both input differences declared, got %+v", r.Differences)
	}
	if d := find(r, "apps/web", KindInput, ""); d == nil || d.What != "only in prod" {
		t.Errorf("the input named \"\": %+v", r.Differences)
	}
}
