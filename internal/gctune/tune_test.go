package gctune

import (
	"runtime/metrics"
	"testing"
)

// tune is called directly here, not through a collection, so that a
// tuner that stops setting the percentage fails at once instead of
// waiting for a collection that never changes anything.
func TestTuneSetsThePercentOnlyWhenItChanges(t *testing.T) {
	var got []int
	tu := &tuner{
		headroom: 0, // any live heap then wants MinPercent
		set:      func(p int) int { got = append(got, p); return 0 },
		percent:  MaxPercent,
		sample:   []metrics.Sample{{Name: "/gc/heap/live:bytes"}},
	}
	tu.tune()
	if len(got) != 1 || got[0] != MinPercent || tu.percent != MinPercent {
		t.Fatalf("first tune: set %v, percent %d; want [%d] and %d", got, tu.percent, MinPercent, MinPercent)
	}
	tu.tune()
	if len(got) != 1 {
		t.Errorf("second tune with the same percentage set it again: %v", got)
	}
}

// A metric the runtime does not know reads as KindBad: the tuner must
// leave the percentage alone rather than act on a zero.
func TestTuneIgnoresAnUnknownMetric(t *testing.T) {
	called := false
	tu := &tuner{
		set:     func(int) int { called = true; return 0 },
		percent: MinPercent,
		sample:  []metrics.Sample{{Name: "/no/such/metric:bytes"}},
	}
	tu.tune()
	if called || tu.percent != MinPercent {
		t.Errorf("tune with an unknown metric: set called %v, percent %d", called, tu.percent)
	}
}
