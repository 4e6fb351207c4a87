// Package runner runs one job per selected unit in dependency order (or
// reverse order, for destroy), in parallel as far as the graph and the
// parallelism allow. When a unit fails, the units that depend on it are
// skipped while independent units go on. Cancelling the context (the first
// SIGINT or SIGTERM) starts nothing new; running jobs receive the
// cancellation and stop gracefully.
//
// The runner only schedules: what a job does and what it returns (plans,
// drift, checks) is the caller's business, so it is generic in the value a
// job returns.
package runner

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/stackctl/stackctl/internal/graph"
)

// Status is how a unit's job ended.
type Status string

// Statuses in results; Waiting and Running only appear in progress views.
const (
	Waiting     Status = "waiting"
	Running     Status = "running"
	Succeeded   Status = "succeeded"
	Failed      Status = "failed"
	Skipped     Status = "skipped"
	Interrupted Status = "interrupted"
)

// Result is one unit's end, with the value its job returned.
type Result[T any] struct {
	Unit   string
	Status Status
	Value  T
	// Note is a short remark for progress views and summaries: the job's
	// own (see Noter) or why the unit was skipped.
	Note     string
	Err      error
	Started  time.Time
	Duration time.Duration
}

// Noter is a job value that has a one-line remark for progress views
// ("no changes", "3 to add, 0 to change, 0 to destroy").
type Noter interface{ Note() string }

// Event is what observers learn of a unit's end.
type Event struct {
	Unit     string
	Status   Status
	Note     string
	Err      error
	Duration time.Duration
}

// UnitIO is what a job reports through while it runs.
type UnitIO interface {
	// Step names what the unit is doing now ("init", "plan", "apply").
	Step(name string)
	// Output receives terraform's output for the unit.
	Output() io.Writer
}

// Observer follows a run. Its methods are called from several goroutines.
type Observer interface {
	Queued(units []string)
	Started(unit string)
	Step(unit, step string)
	Output(unit string) io.Writer
	Finished(e Event)
}

// Job does one unit's work.
type Job[T any] func(ctx context.Context, unit string, io UnitIO) (T, error)

// Options shape a run.
type Options struct {
	Graph    *graph.Graph
	Selected map[string]bool
	// Parallelism bounds concurrent jobs; below 1 means 1.
	Parallelism int
	// Reverse runs dependents before their dependencies (destroy).
	Reverse bool
	// Independent runs every unit as soon as there is room, for commands
	// whose units need nothing from each other (validate, init, drift); a
	// failure then skips nothing.
	Independent bool
	Observer    Observer
}

type unitIO struct {
	unit string
	obs  Observer
	out  io.Writer
}

func (u *unitIO) Step(name string)  { u.obs.Step(u.unit, name) }
func (u *unitIO) Output() io.Writer { return u.out }

// Event returns what observers are told of r.
func (r Result[T]) Event() Event {
	return Event{Unit: r.Unit, Status: r.Status, Note: r.Note, Err: r.Err, Duration: r.Duration}
}

// Run runs job for every selected unit and returns the results in run order
// (units that never started last, in dependency order).
func Run[T any](ctx context.Context, o Options, job Job[T]) []Result[T] {
	par := max(o.Parallelism, 1)
	order := o.Graph.OrderOf(o.Selected)
	if o.Reverse {
		slices.Reverse(order)
	}
	rank := make(map[string]int, len(order))
	for i, n := range order {
		rank[n] = i
	}
	// before[n] are the selected units that must finish before n; after[n]
	// those waiting for n. Unselected dependencies are read, never run.
	before := func(n string) []string {
		if o.Independent {
			return nil
		}
		if o.Reverse {
			return o.Graph.Dependents(n)
		}
		return o.Graph.Dependencies(n)
	}
	after := func(n string) []string {
		if o.Independent {
			return nil
		}
		if o.Reverse {
			return o.Graph.Dependencies(n)
		}
		return o.Graph.Dependents(n)
	}
	remaining := make(map[string]int, len(order))
	var ready []string
	for _, n := range order {
		for _, d := range before(n) {
			if o.Selected[d] {
				remaining[n]++
			}
		}
		if remaining[n] == 0 {
			ready = append(ready, n)
		}
	}
	o.Observer.Queued(order)

	results := make([]Result[T], 0, len(order))
	finished := map[string]bool{}
	done := make(chan Result[T])
	running := 0
	start := func(n string) {
		running++
		o.Observer.Started(n)
		uio := &unitIO{unit: n, obs: o.Observer, out: o.Observer.Output(n)}
		go func() {
			t0 := time.Now()
			v, err := runJob(ctx, job, n, uio)
			r := Result[T]{Unit: n, Value: v, Err: err, Started: t0, Duration: time.Since(t0), Status: Succeeded}
			if nv, ok := any(v).(Noter); ok && err == nil {
				r.Note = nv.Note()
			}
			if err != nil {
				r.Status = Failed
				if ctx.Err() != nil {
					r.Status = Interrupted
				}
			}
			done <- r
		}()
	}
	var skip func(n, because string)
	skip = func(n, because string) {
		for _, d := range after(n) {
			if !o.Selected[d] || finished[d] {
				continue
			}
			finished[d] = true
			r := Result[T]{Unit: d, Status: Skipped, Note: because}
			results = append(results, r)
			o.Observer.Finished(r.Event())
			skip(d, because)
		}
	}
	for {
		for running < par && len(ready) > 0 && ctx.Err() == nil {
			n := ready[0]
			ready = ready[1:]
			start(n)
		}
		if running == 0 {
			break
		}
		r := <-done
		running--
		finished[r.Unit] = true
		results = append(results, r)
		o.Observer.Finished(r.Event())
		if r.Status != Succeeded {
			verb := "failed"
			if r.Status == Interrupted {
				verb = "was interrupted"
			}
			skip(r.Unit, fmt.Sprintf("%s %s", r.Unit, verb))
			continue
		}
		var newly []string
		for _, d := range after(r.Unit) {
			if !o.Selected[d] || finished[d] {
				continue
			}
			remaining[d]--
			if remaining[d] == 0 {
				newly = append(newly, d)
			}
		}
		ready = append(ready, newly...)
		slices.SortFunc(ready, func(a, b string) int { return cmp.Compare(rank[a], rank[b]) })
	}
	for _, n := range order {
		if finished[n] {
			continue
		}
		r := Result[T]{Unit: n, Status: Interrupted, Note: "not started: interrupted"}
		results = append(results, r)
		o.Observer.Finished(r.Event())
	}
	return results
}

// runJob turns a panic inside a job into a failed unit rather than a crash
// with a stack trace: one unit's bug must not abandon the others' terraform.
func runJob[T any](ctx context.Context, job Job[T], n string, uio UnitIO) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in stackctl while running %s: %v (please report this)", n, p)
		}
	}()
	return job(ctx, n, uio)
}

// AnyFailed reports whether any result is not a success.
func AnyFailed[T any](results []Result[T]) bool {
	for _, r := range results {
		if r.Status != Succeeded {
			return true
		}
	}
	return false
}
