package config

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Issue 18 item 1: the production stack rewritten with one shared
// definition per unit (testdata/prodstack/after: infra/units/*.hcl, each
// env's unit.hcl only its differences) renders exactly what the stack as it
// is (testdata/prodstack/before, a copy of infra/live) renders: per unit the
// source, dependencies with their mock outputs, backend, and the inputs
// terraform receives (those the module declares, from the repository's
// real modules), as JSON bytes.
func TestProductionStackRewriteRendersTheSame(t *testing.T) {
	before := renderStack(t, filepath.Join("testdata", "prodstack", "before"))
	after := renderStack(t, filepath.Join("testdata", "prodstack", "after"))
	if len(before) != 12 {
		t.Fatalf("%d units rendered, want 3 environments × 4", len(before))
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range before {
			if !yield(k) {
				return
			}
		}
	}) {
		if !bytes.Equal(before[k], after[k]) {
			t.Errorf("%s differs\nbefore: %s\nafter:  %s", k, before[k], after[k])
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d units after, %d before", len(after), len(before))
	}
}

// renderStack lays out a tree (stackctl.hcl, live → infra/live, units →
// infra/units, and the repository's modules) and renders every unit of
// every environment, keyed "env/unit".
func renderStack(t *testing.T, src string) map[string][]byte {
	t.Helper()
	root := t.TempDir()
	copyTree(t, filepath.Join(src, "stackctl.hcl"), filepath.Join(root, "stackctl.hcl"))
	copyTree(t, filepath.Join(src, "live"), filepath.Join(root, "infra", "live"))
	if _, err := os.Stat(filepath.Join(src, "units")); err == nil {
		copyTree(t, filepath.Join(src, "units"), filepath.Join(root, "infra", "units"))
	}
	copyTree(t, filepath.Join("..", "..", "infra", "modules"), filepath.Join(root, "infra", "modules"))

	l := NewLoader(Options{Dir: root, Getenv: func(string) (string, bool) { return "", false }})
	envs, diags := l.Environments()
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	out := map[string][]byte{}
	for _, env := range envs {
		st, diags := l.Load(env)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags.Error())
		}
		for _, u := range st.Units {
			ins, diags := st.Inputs(u, mockDeps(u))
			if diags.HasErrors() {
				t.Fatalf("%s %s/%s: %s", src, env, u.Path, diags.Error())
			}
			declared := moduleVariables(t, filepath.Join(u.Source.Dir, u.Source.Subdir))
			r := map[string]any{}
			srcRel, _ := filepath.Rel(root, u.Source.Dir)
			r["source"] = []any{u.Source.Local, filepath.ToSlash(srcRel), u.Source.Subdir}
			var deps []any
			for _, d := range u.Dependencies {
				mock, _ := ctyjson.Marshal(d.MockOutputs, d.MockOutputs.Type())
				deps = append(deps, []any{d.Name, d.Path, json.RawMessage(mock)})
			}
			r["dependencies"] = deps
			r["backend"] = []any{u.Backend.Type, u.Backend.StateKey()}
			inputs := map[string]json.RawMessage{}
			for _, in := range ins {
				if !declared[in.Name] {
					continue
				}
				v, _ := in.Value.Unmark()
				b, err := ctyjson.Marshal(v, v.Type())
				if err != nil {
					t.Fatal(err)
				}
				inputs[in.Name] = b
			}
			r["inputs"] = inputs
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			out[env+"/"+u.Path] = b
		}
	}
	return out
}

// moduleVariables lists the variables a module folder declares.
func moduleVariables(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	tfs, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, p := range tfs {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			if b.Type == "variable" && len(b.Labels) == 1 {
				out[b.Labels[0]] = true
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s declares no variables", dir)
	}
	return out
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != from {
				return filepath.SkipDir
			}
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
