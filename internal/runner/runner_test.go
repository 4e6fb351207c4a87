package runner

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/graph"
)

type recorder struct {
	mu       sync.Mutex
	started  []string
	finished map[string]Event
}

func (r *recorder) Queued([]string) {}
func (r *recorder) Started(u string) {
	r.mu.Lock()
	r.started = append(r.started, u)
	r.mu.Unlock()
}
func (r *recorder) Step(string, string)     {}
func (r *recorder) Output(string) io.Writer { return io.Discard }
func (r *recorder) Finished(res Event) {
	r.mu.Lock()
	if r.finished == nil {
		r.finished = map[string]Event{}
	}
	r.finished[res.Unit] = res
	r.mu.Unlock()
}

// net <- db <- svc <- edge, net <- mon
func testGraph(t *testing.T) *graph.Graph {
	g, cycle := graph.New([]string{"net", "db", "svc", "edge", "mon"}, map[string][]string{
		"db": {"net"}, "svc": {"db"}, "edge": {"svc"}, "mon": {"net"},
	})
	if cycle != nil {
		t.Fatal(cycle)
	}
	return g
}

func all(g *graph.Graph) map[string]bool {
	s := map[string]bool{}
	for _, n := range g.Nodes() {
		s[n] = true
	}
	return s
}

func TestDependenciesFinishFirstAndParallelismIsBounded(t *testing.T) {
	g := testGraph(t)
	var running, peak int32
	var mu sync.Mutex
	done := map[string]bool{}
	rec := &recorder{}
	res := Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 2, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) {
			n := atomic.AddInt32(&running, 1)
			for {
				p := atomic.LoadInt32(&peak)
				if n <= p || atomic.CompareAndSwapInt32(&peak, p, n) {
					break
				}
			}
			mu.Lock()
			for _, d := range g.Dependencies(u) {
				if !done[d] {
					t.Errorf("%s started before its dependency %s finished", u, d)
				}
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			done[u] = true
			mu.Unlock()
			atomic.AddInt32(&running, -1)
			return struct{}{}, nil
		})
	if len(res) != 5 || AnyFailed(res) {
		t.Fatalf("results %+v", res)
	}
	if peak != 2 {
		t.Errorf("peak parallelism %d, want 2 (db and mon can run together)", peak)
	}
}

func TestFailureSkipsDependentsOnly(t *testing.T) {
	g := testGraph(t)
	rec := &recorder{}
	Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 4, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) {
			if u == "db" {
				return struct{}{}, errors.New("boom")
			}
			return struct{}{}, nil
		})
	want := map[string]Status{"net": Succeeded, "db": Failed, "svc": Skipped, "edge": Skipped, "mon": Succeeded}
	for u, s := range want {
		if rec.finished[u].Status != s {
			t.Errorf("%s: %s, want %s", u, rec.finished[u].Status, s)
		}
	}
	if rec.finished["edge"].Note != "db failed" {
		t.Errorf("edge note %q", rec.finished["edge"].Note)
	}
}

func TestReverseForDestroy(t *testing.T) {
	g := testGraph(t)
	rec := &recorder{}
	Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 1, Reverse: true, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) { return struct{}{}, nil })
	idx := func(u string) int { return slices.Index(rec.started, u) }
	if !(idx("edge") < idx("svc") && idx("svc") < idx("db") && idx("db") < idx("net") && idx("mon") < idx("net")) {
		t.Fatalf("destroy order %v", rec.started)
	}
}

func TestUnselectedDependenciesAreNotRun(t *testing.T) {
	g := testGraph(t)
	rec := &recorder{}
	Run(context.Background(), Options{Graph: g, Selected: map[string]bool{"svc": true, "edge": true}, Parallelism: 2, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) { return struct{}{}, nil })
	if !slices.Equal(rec.started, []string{"svc", "edge"}) {
		t.Fatalf("started %v", rec.started)
	}
}

func TestCancelStartsNothingNew(t *testing.T) {
	g := testGraph(t)
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	Run(ctx, Options{Graph: g, Selected: all(g), Parallelism: 1, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) {
			if u == "net" {
				cancel()
				<-ctx.Done()
				return struct{}{}, ctx.Err()
			}
			return struct{}{}, nil
		})
	if !slices.Equal(rec.started, []string{"net"}) {
		t.Fatalf("started after cancel: %v", rec.started)
	}
	for _, u := range []string{"net", "db", "mon"} {
		if rec.finished[u].Status != Interrupted && rec.finished[u].Status != Skipped {
			t.Errorf("%s: %s", u, rec.finished[u].Status)
		}
	}
}

func TestPanicInJobIsAFailureNotACrash(t *testing.T) {
	g := testGraph(t)
	rec := &recorder{}
	Run(context.Background(), Options{Graph: g, Selected: map[string]bool{"net": true}, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) { panic("bug") })
	if rec.finished["net"].Status != Failed {
		t.Fatalf("%+v", rec.finished["net"])
	}
}

func TestIndependentUnitsIgnoreOrderAndFailures(t *testing.T) {
	g := testGraph(t)
	rec := &recorder{}
	Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 1, Independent: true, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) {
			if u == "net" {
				return struct{}{}, errors.New("invalid")
			}
			return struct{}{}, nil
		})
	if len(rec.started) != 5 {
		t.Fatalf("started %v: a failure skipped independent work", rec.started)
	}
	if rec.finished["db"].Status != Succeeded {
		t.Fatalf("db: %+v", rec.finished["db"])
	}
}

// Five units with no dependencies are all runnable at once: the limit, not
// the graph, must hold them back.
func TestParallelismBoundsRunnableUnits(t *testing.T) {
	g, cycle := graph.New([]string{"a", "b", "c", "d", "e"}, nil)
	if cycle != nil {
		t.Fatal(cycle)
	}
	var running, peak atomic.Int32
	Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 2, Observer: &recorder{}},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(30 * time.Millisecond)
			running.Add(-1)
			return struct{}{}, nil
		})
	if p := peak.Load(); p != 2 {
		t.Errorf("peak %d concurrent jobs with parallelism 2", p)
	}
}

// In reverse (destroy), with room for every unit at once, a dependency
// still waits for all its dependents; a failed destroy skips the units it
// depends on (they must outlive it), and only those.
func TestReverseWaitsForDependentsAndFailureSkipsDependencies(t *testing.T) {
	g := testGraph(t) // net <- db <- svc <- edge, net <- mon
	var mu sync.Mutex
	done := map[string]bool{}
	rec := &recorder{}
	Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 5, Reverse: true, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) {
			mu.Lock()
			for _, d := range g.Dependents(u) {
				if !done[d] {
					t.Errorf("%s destroyed before its dependent %s", u, d)
				}
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			done[u] = true
			mu.Unlock()
			return struct{}{}, nil
		})
	if len(rec.finished) != 5 {
		t.Fatalf("finished %v", rec.finished)
	}

	rec = &recorder{}
	Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 5, Reverse: true, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) {
			if u == "svc" {
				return struct{}{}, errors.New("destroy failed")
			}
			return struct{}{}, nil
		})
	want := map[string]Status{"edge": Succeeded, "svc": Failed, "db": Skipped, "net": Skipped, "mon": Succeeded}
	for u, s := range want {
		if rec.finished[u].Status != s {
			t.Errorf("%s: %s, want %s", u, rec.finished[u].Status, s)
		}
	}
	if rec.finished["net"].Note != "svc failed" {
		t.Errorf("net note %q", rec.finished["net"].Note)
	}
}
