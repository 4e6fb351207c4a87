package testutil

import (
	"net"
	"sync/atomic"
	"testing"
)

// Dropper is a TCP endpoint on 127.0.0.1 that accepts connections and
// closes them at once, counting them: a test can then show that a client
// gives up after a few attempts (an event) instead of asserting how long
// it took (a timing, flaky on a busy machine).
type Dropper struct {
	Addr     string
	accepted atomic.Int64
}

// NewDropper starts a Dropper, stopped when t ends.
func NewDropper(t testing.TB) *Dropper {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &Dropper{Addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			d.accepted.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return d
}

// Accepted is how many connections were made to it.
func (d *Dropper) Accepted() int { return int(d.accepted.Load()) }
