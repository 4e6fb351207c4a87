// Package gctune sets the garbage collector for a short-lived command.
//
// Loading a live tree allocates about 75 KB per unit in a few
// milliseconds (HCL's parser is allocation-heavy), of which about 4 KB
// stays. With Go's default GOGC=100 the collector runs many times while
// the heap grows; a command that exits in seconds can afford more room,
// but the room must not grow with the tree: the heap peaks at about
// (1 + GOGC/100) times what is live. So the percentage follows the live
// heap after every collection: 400 while the live heap is small (the
// trees most people have: 1000 units keep under 8 MiB), then whatever
// keeps the room at Headroom, down to 50 for large trees, which keeps the
// peak near 1.5 times the live heap. The figures and commands are in
// docs/performance.md.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The bounds of the percentage, and the room for garbage between them.
const (
	MaxPercent = 400
	MinPercent = 50
	Headroom   = 32 << 20
)

// ForCommand starts following the live heap unless the user set GOGC
// themselves.
func ForCommand() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	start(Headroom, debug.SetGCPercent)
}

// Percent is the GOGC for a live heap of live bytes: room for Headroom
// bytes of garbage, within MinPercent and MaxPercent.
func Percent(live, headroom uint64) int {
	if live == 0 {
		return MaxPercent
	}
	p := headroom * 100 / live
	return int(max(MinPercent, min(MaxPercent, p)))
}

// tuner re-reads the live heap after every collection: a finalizer on an
// object allocated for the purpose runs once the collector has found it
// unreachable, and allocates the next one.
type tuner struct {
	headroom uint64
	set      func(int) int
	percent  int
	sample   []metrics.Sample
}

// sentinel holds a pointer so that it is not a tiny allocation (whose
// finalizers may never run).
type sentinel struct{ t *tuner }

func start(headroom uint64, set func(int) int) *tuner {
	t := &tuner{headroom: headroom, set: set, percent: MaxPercent, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	set(MaxPercent)
	t.arm()
	return t
}

func (t *tuner) arm() {
	runtime.SetFinalizer(&sentinel{t: t}, func(s *sentinel) {
		s.t.tune()
		s.t.arm()
	})
}

func (t *tuner) tune() {
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if p := Percent(t.sample[0].Value.Uint64(), t.headroom); p != t.percent {
		t.percent = p
		t.set(p)
	}
}
