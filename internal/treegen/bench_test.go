package treegen_test

import (
	"runtime"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/gctune"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/treegen"
)

// The benchmarks measure what the binary does, so they run with its
// garbage collector setting (see gctune); set GOGC=100 to see the default.
func init() { gctune.ForCommand() }

func tree(b testing.TB, n int) string {
	dir := b.TempDir()
	if _, err := treegen.Write(dir, treegen.Options{Units: n}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// loadGraph is what `stackctl list` and `stackctl graph` do: discover the
// environment, parse and evaluate every file, build the graph.
func loadGraph(b testing.TB, dir string) (*config.Stack, *graph.Graph) {
	st, diags := config.NewLoader(config.Options{Dir: dir}).Load("bench")
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	g, diags := graph.FromStack(st)
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	return st, g
}

func TestGeneratedTreeLoads(t *testing.T) {
	st, g := loadGraph(t, tree(t, 100))
	if len(g.Order()) != 100 || len(st.Unit("layer05/unit003").Dependencies) != 2 {
		t.Fatalf("unexpected tree: %d units", len(g.Order()))
	}
	for _, u := range st.Units {
		deps := map[string]config.DependencyOutputs{}
		for _, d := range u.Dependencies {
			deps[d.Name], _ = config.MockOutputs(d)
		}
		if _, diags := st.Inputs(u, deps); diags.HasErrors() {
			t.Fatal(diags.Error())
		}
	}
}

func benchmarkLoadGraph(b *testing.B, n int) {
	dir := tree(b, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		loadGraph(b, dir)
	}
	b.StopTimer()
	b.ReportMetric(float64(retained(b, dir))/float64(n), "retained-B/unit")
}

// retained is the heap a loaded stack and its graph keep once the garbage
// of loading them is collected: what every later step of a command carries
// (B/op counts the garbage too).
func retained(b testing.TB, dir string) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	st, g := loadGraph(b, dir)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(st)
	runtime.KeepAlive(g)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// BenchmarkLoadGraph1000 is discovery + evaluation + graph for 1000 units;
// the 10,000-unit one shows whether time and retained memory grow linearly.
func BenchmarkLoadGraph1000(b *testing.B)  { benchmarkLoadGraph(b, 1000) }
func BenchmarkLoadGraph100(b *testing.B)   { benchmarkLoadGraph(b, 100) }
func BenchmarkLoadGraph10000(b *testing.B) { benchmarkLoadGraph(b, 10000) }

// BenchmarkRenderInputs1000 adds every unit's inputs (with mock
// dependency outputs): what render does.
func BenchmarkRenderInputs1000(b *testing.B) {
	dir := tree(b, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, _ := loadGraph(b, dir)
		for _, u := range st.Units {
			deps := map[string]config.DependencyOutputs{}
			for _, d := range u.Dependencies {
				deps[d.Name], _ = config.MockOutputs(d)
			}
			if _, diags := st.Inputs(u, deps); diags.HasErrors() {
				b.Fatal(diags.Error())
			}
		}
	}
}
