package ops

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/stackctl/stackctl/internal/terraform"
)

// early prepares working folders and runs init ahead of each unit's turn:
// init needs neither inputs nor dependency outputs, so a unit waiting for
// its dependencies to apply can be ready to plan the moment their outputs
// exist. Inits take turns anyway (the shared plugin cache), so one
// goroutine walks the units in run order; a unit whose job arrives first
// claims its folder and does the work itself.
type early struct {
	mu    sync.Mutex
	units map[string]*earlyUnit
}

type earlyUnit struct {
	claimed bool // the job took it before the early walk reached it
	started bool
	done    chan struct{}

	wd       *terraform.Workdir
	initRan  bool
	warnings []string
	out      syncBuffer
	err      error
	adopted  bool
}

// startEarly begins preparing the units of order in the background.
func (e *Engine) startEarly(ctx context.Context, op *Operation, order []string) *early {
	ea := &early{units: make(map[string]*earlyUnit, len(order))}
	for _, p := range order {
		ea.units[p] = &earlyUnit{done: make(chan struct{})}
	}
	go func() {
		for _, p := range order {
			if ctx.Err() != nil {
				return
			}
			ea.mu.Lock()
			eu := ea.units[p]
			if eu.claimed {
				ea.mu.Unlock()
				continue
			}
			eu.started = true
			ea.mu.Unlock()
			u := &Unit{e: e, op: op, Config: e.Stack.Unit(p), io: discardIO{out: &eu.out}}
			u.out = nil
			eu.err = u.setupFolder(ctx, &eu.out)
			eu.wd, eu.initRan = u.wd, u.initRan
			eu.warnings = u.warnings
			close(eu.done)
		}
	}()
	return ea
}

// claim hands a unit's early work to its job: nil when the early walk had
// not started it (the job does it itself), else the finished work, waited
// for.
func (ea *early) claim(ctx context.Context, unit string) (*earlyUnit, error) {
	if ea == nil {
		return nil, nil
	}
	ea.mu.Lock()
	eu := ea.units[unit]
	if eu == nil || !eu.started {
		if eu != nil {
			eu.claimed = true
		}
		ea.mu.Unlock()
		return nil, nil
	}
	ea.mu.Unlock()
	select {
	case <-eu.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ea.mu.Lock()
	eu.adopted = true
	ea.mu.Unlock()
	return eu, nil
}

// close releases the folders of units whose jobs never ran (skipped after
// a failure, or interrupted).
func (ea *early) close() {
	if ea == nil {
		return
	}
	ea.mu.Lock()
	defer ea.mu.Unlock()
	for _, eu := range ea.units {
		if eu.started && !eu.adopted {
			go func(eu *earlyUnit) {
				<-eu.done
				eu.wd.Close()
			}(eu)
		}
	}
}

// discardIO is the UnitIO of early work: steps are not shown (the unit is
// still waiting), output is kept for the unit's log.
type discardIO struct{ out io.Writer }

func (d discardIO) Step(string)       {}
func (d discardIO) Output() io.Writer { return d.out }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.b.Bytes()...)
}
