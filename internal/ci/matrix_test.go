package ci

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stackctl/stackctl/internal/graph"
)

// randomDAG has edges only from a node to lower-numbered ones, so it can
// have no cycle.
func randomDAG(r *rand.Rand, n int, p float64) *graph.Graph {
	nodes := make([]string, n)
	deps := map[string][]string{}
	for i := range nodes {
		nodes[i] = fmt.Sprintf("u%03d", i)
		for j := 0; j < i; j++ {
			if r.Float64() < p {
				deps[nodes[i]] = append(deps[nodes[i]], nodes[j])
			}
		}
	}
	g, cycle := graph.New(nodes, deps)
	if cycle != nil {
		panic("cycle in a DAG")
	}
	return g
}

// transitiveDeps are the units n depends on, directly or not.
func transitiveDeps(g *graph.Graph, n string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(x string) {
		for _, d := range g.Dependencies(x) {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(n)
	return seen
}

// TestMatrixWavesRespectDependencies checks on random graphs and random
// selections that every selected unit appears once, in a wave after every
// selected unit it depends on (through unselected ones too), that each
// wave is as early as it can be, and that jobs keep waves in order within
// the size limit.
func TestMatrixWavesRespectDependencies(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		n := 1 + r.IntN(40)
		g := randomDAG(r, n, r.Float64()*0.3)
		selected := map[string]bool{}
		for _, u := range g.Nodes() {
			if r.Float64() < 0.6 {
				selected[u] = true
			}
		}
		limit := 1 + r.IntN(5)
		m, err := BuildMatrix(g, selected, MatrixOptions{Env: "dev", MaxJobs: limit})
		if err != nil {
			t.Fatal(err)
		}
		wave := map[string]int{}
		for _, w := range m.Waves {
			if len(w.Units) == 0 {
				t.Fatalf("seed %d: empty wave %d", seed, w.Wave)
			}
			for _, u := range w.Units {
				if _, dup := wave[u]; dup || !selected[u] {
					t.Fatalf("seed %d: %s twice or not selected", seed, u)
				}
				wave[u] = w.Wave
			}
		}
		if len(wave) != len(selected) || m.Units != len(selected) {
			t.Fatalf("seed %d: %d units in waves, %d selected", seed, len(wave), len(selected))
		}
		for u, w := range wave {
			earliest := 1
			for d := range transitiveDeps(g, u) {
				if !selected[d] {
					continue
				}
				if wave[d] >= w {
					t.Fatalf("seed %d: %s (wave %d) depends on %s (wave %d)", seed, u, w, d, wave[d])
				}
				earliest = max(earliest, wave[d]+1)
			}
			if w != earliest {
				t.Fatalf("seed %d: %s in wave %d, could run in wave %d", seed, u, w, earliest)
			}
		}
		// Jobs: in wave order, each within the limit, covering every unit.
		var fromJobs []string
		lastWave := 0
		for _, j := range m.Jobs {
			if j.Wave < lastWave || len(j.Matrix.Include) == 0 || len(j.Matrix.Include) > limit {
				t.Fatalf("seed %d: job %+v out of order or size (limit %d)", seed, j, limit)
			}
			lastWave = j.Wave
			for _, e := range j.Matrix.Include {
				if e.Wave != j.Wave || wave[e.Unit] != j.Wave || e.Env != "dev" {
					t.Fatalf("seed %d: entry %+v in job of wave %d", seed, e, j.Wave)
				}
				fromJobs = append(fromJobs, e.Unit)
			}
		}
		if len(fromJobs) != len(selected) {
			t.Fatalf("seed %d: jobs hold %d units, want %d", seed, len(fromJobs), len(selected))
		}
	}
}

// TestMatrixSplitsLargeWave: 600 independent units are one wave, cut into
// three jobs of 200 (GitHub rejects a matrix of more than 256 jobs).
func TestMatrixSplitsLargeWave(t *testing.T) {
	var nodes []string
	deps := map[string][]string{}
	sel := map[string]bool{}
	for i := 0; i < 600; i++ {
		n := fmt.Sprintf("apps/app%03d", i)
		nodes = append(nodes, n)
		sel[n] = true
		deps[n] = []string{"network"}
	}
	nodes = append(nodes, "network")
	sel["network"] = true
	g, _ := graph.New(nodes, deps)
	m, err := BuildMatrix(g, sel, MatrixOptions{Env: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Waves) != 2 || len(m.Waves[0].Units) != 1 || len(m.Waves[1].Units) != 600 {
		t.Fatalf("waves: %d", len(m.Waves))
	}
	var sizes []int
	for _, j := range m.Jobs {
		sizes = append(sizes, len(j.Matrix.Include))
		if j.Wave == 2 && j.Parts != 3 {
			t.Fatalf("job %d/%d of wave 2", j.Part, j.Parts)
		}
	}
	if !slices.Equal(sizes, []int{1, 200, 200, 200}) {
		t.Fatalf("job sizes %v, want [1 200 200 200]", sizes)
	}
	if e := m.Jobs[1].Matrix.Include[0]; e.Unit != "apps/app000" || e.Slug != "apps__app000" || e.Env != "prod" {
		t.Fatalf("first entry %+v", e)
	}
	// 257 units: two jobs.
	delete(sel, "apps/app599")
	for i := 257; i < 599; i++ {
		delete(sel, fmt.Sprintf("apps/app%03d", i))
	}
	m, _ = BuildMatrix(g, sel, MatrixOptions{Env: "prod"})
	if len(m.Jobs) != 3 || len(m.Jobs[1].Matrix.Include) != 128 || len(m.Jobs[2].Matrix.Include) != 129 {
		t.Fatalf("257 units: %d jobs", len(m.Jobs))
	}
}

// TestMatrixJSON pins the JSON shape a workflow reads.
func TestMatrixJSON(t *testing.T) {
	g, _ := graph.New([]string{"network", "apps/api", "db"}, map[string][]string{"apps/api": {"db"}, "db": {"network"}})
	m, err := BuildMatrix(g, map[string]bool{"network": true, "apps/api": true}, MatrixOptions{Env: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"env":"dev","units":2,"waves":[{"wave":1,"units":["network"]},{"wave":2,"units":["apps/api"]}],` +
		`"jobs":[{"wave":1,"part":1,"parts":1,"matrix":{"include":[{"unit":"network","env":"dev","wave":1,"slug":"network"}]}},` +
		`{"wave":2,"part":1,"parts":1,"matrix":{"include":[{"unit":"apps/api","env":"dev","wave":2,"slug":"apps__api"}]}}]}`
	if string(data) != want {
		t.Fatalf("JSON:\n%s\nwant:\n%s", data, want)
	}
	var back Matrix
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	empty, _ := BuildMatrix(g, nil, MatrixOptions{Env: "dev"})
	if data, _ := empty.JSON(); string(data) != `{"env":"dev","units":0,"waves":[],"jobs":[]}` {
		t.Fatalf("empty selection: %s", data)
	}
	if _, err := BuildMatrix(g, map[string]bool{"nope": true}, MatrixOptions{Env: "dev"}); err == nil {
		t.Fatal("an unknown unit is accepted")
	}
}
