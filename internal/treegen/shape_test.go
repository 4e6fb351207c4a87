package treegen_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/treegen"
)

// The performance figures in docs/performance.md depend on the tree's
// shape: which units exist and which of the previous layer each depends on.
func TestTreeShape(t *testing.T) {
	for _, tc := range []struct {
		name  string
		width int
		units int
		want  map[string][]string
	}{
		{"three wide", 3, 7, map[string][]string{
			"layer00/unit000": nil, "layer00/unit001": nil, "layer00/unit002": nil,
			"layer01/unit000": {"layer00/unit000", "layer00/unit001"},
			"layer01/unit001": {"layer00/unit001", "layer00/unit002"},
			"layer01/unit002": {"layer00/unit002", "layer00/unit000"},
			"layer02/unit000": {"layer01/unit000", "layer01/unit001"},
		}},
		// One unit per layer: the second neighbour is the unit itself, so
		// each unit depends on the one before it only.
		{"one wide", 1, 3, map[string][]string{
			"layer00/unit000": nil,
			"layer01/unit000": {"layer00/unit000"},
			"layer02/unit000": {"layer01/unit000"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := treegen.Write(dir, treegen.Options{Units: tc.units, Width: tc.width})
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != len(tc.want) {
				t.Fatalf("paths %v, want %d", paths, len(tc.want))
			}
			st, diags := config.NewLoader(config.Options{Dir: dir}).Load("bench")
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			for _, p := range paths {
				want, ok := tc.want[p]
				if !ok {
					t.Fatalf("unexpected unit %s", p)
				}
				var got []string
				for _, d := range st.Unit(p).Dependencies {
					got = append(got, d.Path)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s depends on %v, want %v", p, got, want)
				}
			}
		})
	}
}

func TestDefaultsAndOwnModule(t *testing.T) {
	dir := t.TempDir()
	if _, err := treegen.Write(dir, treegen.Options{Units: 12}); err != nil {
		t.Fatal(err)
	}
	// Default width 10: the eleventh unit starts the second layer.
	if _, err := os.Stat(filepath.Join(dir, "live", "bench", "layer01", "unit001", "unit.hcl")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "live", "bench", "layer00", "unit010")); err == nil {
		t.Fatal("a layer holds more than 10 units by default")
	}

	dir = t.TempDir()
	const module = "# the caller's module\n"
	if _, err := treegen.Write(dir, treegen.Options{Units: 1, Env: "perf", Module: module}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "modules", "unit", "main.tf"))
	if err != nil || string(b) != module {
		t.Fatalf("module %q, %v", b, err)
	}
	env, err := os.ReadFile(filepath.Join(dir, "live", "perf", "env.hcl"))
	if err != nil || !strings.Contains(string(env), "region") {
		t.Fatalf("env.hcl of the named environment: %q, %v", env, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "live", "bench")); err == nil {
		t.Fatal("the default environment was written although one was named")
	}
}
