package convert

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// copyTree copies testdata/<name> to <tmp>/<name>, so the converted tree's
// paths back to local modules are the same on every machine.
func copyTree(t *testing.T, name string) (string, string) {
	t.Helper()
	tmp := t.TempDir()
	src := filepath.Join("testdata", name)
	dst := filepath.Join(tmp, name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o444) // read-only: convert must not write there
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst, filepath.Join(tmp, "out")
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

// render is the converted tree as one text: the report, then every file.
func render(r *Result) string {
	var b bytes.Buffer
	r.WriteText(&b, "OUT", func(rel string) string {
		if rel == "" {
			return "DIR"
		}
		return rel
	})
	for _, f := range r.Files {
		if f.Copied {
			fmt.Fprintf(&b, "\n=== %s (copied from %s)\n", f.Path, f.From)
		} else {
			fmt.Fprintf(&b, "\n=== %s\n", f.Path)
		}
		b.Write(f.Content)
	}
	return b.String()
}

// The converter's whole output on Terragrunt-shaped trees: includes with
// exposed locals, hierarchy files folded into env vars, dependencies with
// mock outputs, order-only dependencies, generate blocks, remote_state,
// hooks, local and remote sources, and everything that has no stackctl
// form listed with file and line. The written tree then loads with
// stackctl's own configuration loader, every environment and every unit's
// inputs.
func TestConvertGolden(t *testing.T) {
	for _, name := range []string{"live-example", "features"} {
		t.Run(name, func(t *testing.T) {
			dir, out := copyTree(t, name)
			before := snapshot(t, dir)
			res, diags := Convert(Options{Dir: dir, Out: out})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			got := render(res)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("converted tree differs from %s (run with -update after checking):\n%s", golden, lineDiff(string(want), got))
			}
			if err := res.Write(out); err != nil {
				t.Fatal(err)
			}
			if after := snapshot(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Error("convert changed the Terragrunt tree")
			}
			loadEveryEnv(t, out, res)
		})
	}
}

// loadEveryEnv loads each converted environment with stackctl's loader
// and evaluates every unit's inputs (dependency outputs as references).
func loadEveryEnv(t *testing.T, out string, res *Result) {
	t.Helper()
	getenv := func(string) (string, bool) { return "", false }
	for _, e := range res.Envs {
		l := config.NewLoader(config.Options{Dir: out, RootDir: out, Getenv: getenv})
		st, diags := l.Load(e.Name)
		if diags.HasErrors() {
			var b strings.Builder
			diag.Write(&b, diags, l.Files(), false, 120)
			t.Errorf("stackctl cannot load converted environment %s:\n%s", e.Name, b.String())
			continue
		}
		if got := strings.Join(st.UnitPaths(), ","); got != strings.Join(sorted(e.Units), ",") {
			t.Errorf("%s: stackctl sees units %s, converted %v", e.Name, got, e.Units)
		}
		for _, p := range st.UnitPaths() {
			if _, diags := st.SymbolicInputs(st.Unit(p)); diags.HasErrors() {
				var b strings.Builder
				diag.Write(&b, diags, l.Files(), false, 120)
				t.Errorf("%s/%s inputs:\n%s", e.Name, p, b.String())
			}
		}
	}
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// lineDiff shows the first lines that differ, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n   got %q\n", i+1, wl, gl)
			if shown++; shown == 10 {
				break
			}
		}
	}
	return b.String()
}
