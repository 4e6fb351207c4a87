package ops

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/stackctl/stackctl/internal/runner"
)

// activity remembers when a unit last wrote anything, and its last line.
type activity struct {
	mu   sync.Mutex
	last time.Time
	line string
	part []byte
}

func (a *activity) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.last = time.Now()
	a.part = append(a.part, p...)
	for {
		i := bytes.IndexByte(a.part, '\n')
		if i < 0 {
			break
		}
		if l := strings.TrimSpace(string(a.part[:i])); l != "" {
			a.line = l
		}
		a.part = a.part[i+1:]
	}
	if len(a.part) > 4096 {
		a.part = a.part[len(a.part)-4096:]
	}
	return len(p), nil
}

func (a *activity) since() (time.Duration, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return time.Since(a.last), a.line
}

// watchedIO is a unit's UnitIO that records activity: steps count as
// progress too.
type watchedIO struct {
	runner.UnitIO
	act *activity
	out io.Writer
}

func (w *watchedIO) Step(name string) {
	w.act.mu.Lock()
	w.act.last = time.Now()
	w.act.mu.Unlock()
	w.UnitIO.Step(name)
}

func (w *watchedIO) Output() io.Writer { return w.out }

// watchdog stops units that make no progress for too long: terraform
// waiting on a frozen endpoint prints nothing and ignores an interrupt for
// as long as the endpoint stays frozen.
type watchdog struct {
	timeout time.Duration
	mu      sync.Mutex
	units   map[*Unit]*watched
	stop    chan struct{}
}

type watched struct {
	act    *activity
	cancel context.CancelFunc
	killAt time.Time
}

func newWatchdog(timeout time.Duration) *watchdog {
	w := &watchdog{timeout: timeout, units: map[*Unit]*watched{}, stop: make(chan struct{})}
	if timeout > 0 {
		go w.loop()
	}
	return w
}

// watch starts watching a unit's job; the returned context is cancelled
// when the unit stalls, and done ends the watch.
func (w *watchdog) watch(ctx context.Context, u *Unit, uio runner.UnitIO) (context.Context, runner.UnitIO, func()) {
	act := &activity{last: time.Now()}
	wio := &watchedIO{UnitIO: uio, act: act, out: io.MultiWriter(uio.Output(), act)}
	if w.timeout <= 0 {
		return ctx, wio, func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	w.mu.Lock()
	w.units[u] = &watched{act: act, cancel: cancel}
	w.mu.Unlock()
	return ctx, wio, func() {
		w.mu.Lock()
		delete(w.units, u)
		w.mu.Unlock()
		cancel()
	}
}

func (w *watchdog) close() { close(w.stop) }

// grace is how long a stalled terraform gets to stop after its interrupt
// before it is killed.
func (w *watchdog) grace() time.Duration { return min(w.timeout, 30*time.Second) }

func (w *watchdog) loop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		w.mu.Lock()
		for u, x := range w.units {
			idle, line := x.act.since()
			switch {
			case x.killAt.IsZero() && idle >= w.timeout:
				x.killAt = time.Now().Add(w.grace())
				msg := fmt.Sprintf("stalled: no progress for %s", w.timeout)
				if line != "" {
					msg += "; last line: " + line
				}
				u.stall(msg)
				x.cancel()
			case !x.killAt.IsZero() && time.Now().After(x.killAt) && u.wd != nil:
				x.killAt = time.Now().Add(time.Hour)
				if n := u.wd.Kill(); n > 0 {
					fmt.Fprintf(u.io.Output(), "stackctl: terraform did not stop within %s of its interrupt: killed it\n", w.grace())
				}
			}
		}
		w.mu.Unlock()
	}
}

// stall records why the unit is being stopped; its failure says so.
func (u *Unit) stall(msg string) {
	u.mu.Lock()
	u.stalled = msg
	u.mu.Unlock()
	fmt.Fprintf(u.io.Output(), "\nstackctl: %s; stopping it (--stall-timeout)\n", msg)
	u.io.Step("stalled")
}

func (u *Unit) stalledMessage() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.stalled
}
