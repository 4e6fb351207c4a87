package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Issue 18 item 1: the production stack is written with one shared
// definition per unit (infra/units/*.hcl, each env's unit.hcl only its
// differences). It must render exactly what it rendered before that
// rewrite, recorded in testdata/prodstack/render.golden.json: per unit the
// source, dependencies with their mock outputs, backend, and the inputs
// terraform receives (those the module declares), as JSON. A change to the
// stack's inputs on purpose is accepted with -update.
func TestProductionStackRendersAsRecorded(t *testing.T) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	got := renderStack(t, repo)
	if len(got) != 12 {
		t.Fatalf("%d units rendered, want 3 environments × 4", len(got))
	}
	var b bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(got)) {
		fmt.Fprintf(&b, "%s %s\n", k, got[k])
	}
	golden := filepath.Join("testdata", "prodstack", "render.golden.json")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(b.String(), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Errorf("line %d differs\nrecorded: %s\nnow:      %s", i+1, w, g)
		}
	}
}

// renderStack renders every unit of every environment of the repository
// at root (its stackctl.hcl, infra/live, infra/units, infra/modules), keyed
// "env/unit", with no environment variables and ssm_parameter() standing
// in by the parameter's name.
func renderStack(t *testing.T, root string) map[string][]byte {
	t.Helper()
	ssm := func(name string) (string, bool, error) { return "ssm:" + name, true, nil }
	l := NewLoader(Options{Dir: root, Getenv: func(string) (string, bool) { return "", false }, SSM: ssm})
	envs, diags := l.Environments()
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	out := map[string][]byte{}
	for _, env := range envs {
		st, diags := l.Load(env)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", root, diags.Error())
		}
		for _, u := range st.Units {
			ins, diags := st.Inputs(u, mockDeps(u))
			if diags.HasErrors() {
				t.Fatalf("%s %s/%s: %s", root, env, u.Path, diags.Error())
			}
			declared := moduleVariables(t, filepath.Join(u.Source.Dir, u.Source.Subdir))
			r := map[string]any{}
			srcRel, _ := filepath.Rel(st.Root.Dir, u.Source.Dir)
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
				v, _ := in.Value.UnmarkDeep()
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
