package config

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackctl/stackctl/internal/diag"
)

// FuzzLoad evaluates a tree whose env.hcl and one unit.hcl are the fuzzed
// bytes, next to a fixed unit that depends on it, and prints whatever
// diagnostics come out. Whatever the bytes, nothing may panic. The seeds
// (below and testdata/fuzz/FuzzLoad) run with every go test; explore with
//
//	go test ./internal/config -run '^$' -fuzz FuzzLoad -fuzztime 60s
func FuzzLoad(f *testing.F) {
	f.Add([]byte("vars = { region = \"eu-west-1\" }\ninputs = { region = env.region }\n"),
		[]byte("source = \"../../../modules/m\"\nlocals { n = 2 }\ninputs = { cidr = cidrsubnet(\"10.0.0.0/16\", 8, local.n) }\n"))
	f.Add([]byte("locals { a = local.b\n b = local.a }\n"), []byte("dependency \"b\" { path = \"../b\" }\n"))
	f.Add([]byte("vars = sensitive({ x = 1 })\n"), []byte("inputs = { x = env.x, y = file(\"/dev/zero\") }\n"))
	f.Add([]byte("vars = { name = 1 }"), []byte("source = 5\ndependency \"x\" { path = 5 }\n"))
	f.Add([]byte("\x00\xff"), []byte("inputs = { a = [for i in range(3): i] }\n"))
	f.Fuzz(func(t *testing.T, envHCL, unitHCL []byte) {
		dir := t.TempDir()
		write := func(rel string, b []byte) {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("stackctl.hcl", []byte("project = \"fuzz\"\nlocals { o = \"${env.name}-${unit.path}\" }\ninputs = { owner = local.o }\n"))
		write("infra/modules/m/main.tf", []byte(`variable "x" {}`))
		write("infra/live/dev/env.hcl", envHCL)
		write("infra/live/dev/a/unit.hcl", unitHCL)
		write("infra/live/dev/b/unit.hcl", []byte("source = \"../../../modules/m\"\ndependency \"a\" {\n  path = \"../a\"\n  mock_outputs = { id = \"x\" }\n}\ninputs = { id = dependency.a.outputs.id }\n"))
		l := NewLoader(Options{Dir: dir, Getenv: func(string) (string, bool) { return "", false }})
		st, diags := l.Load("dev")
		if !diags.HasErrors() {
			for _, u := range st.Units {
				deps := map[string]DependencyOutputs{}
				for _, d := range u.Dependencies {
					if m, ok := MockOutputs(d); ok {
						deps[d.Name] = m
					} else {
						deps[d.Name] = DependencyOutputs{Unknown: true}
					}
				}
				_, d := st.Inputs(u, deps)
				diags = append(diags, d...)
				_ = u.Backend.StateKey()
			}
		}
		diag.Write(io.Discard, diags, l.Files(), true, 80)
	})
}
