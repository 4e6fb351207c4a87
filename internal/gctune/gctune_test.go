package gctune

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestPercentKeepsTheRoomBounded(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, MaxPercent},
		{4 * mib, MaxPercent},   // a small tree: room to spare
		{8 * mib, MaxPercent},   // 32 MiB of room is 4 times 8
		{16 * mib, 200},         // the room stays at 32 MiB
		{32 * mib, 100},         // Go's default
		{64 * mib, MinPercent},  // a large tree: the peak near 1.5 times live
		{640 * mib, MinPercent}, // never below: the time stays linear
	} {
		if got := Percent(c.live, Headroom); got != c.want {
			t.Errorf("Percent(%d MiB) = %d, want %d", c.live/mib, got, c.want)
		}
	}
}

// The tuner follows the live heap from collection to collection.
func TestTunerFollowsTheLiveHeap(t *testing.T) {
	var mu sync.Mutex
	var got []int
	set := func(p int) int {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
		return 0
	}
	start(1<<20, set) // 1 MiB of room: a 16 MiB live heap means MinPercent
	live := make([]byte, 16<<20)
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		mu.Lock()
		last := got[len(got)-1]
		mu.Unlock()
		if last == MinPercent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("percentages set: %v, want %d last", got, MinPercent)
		}
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
}
