package english

import "testing"

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 units", 1: "1 unit", 2: "2 units", -1: "-1 units"} {
		if got := Count(n, "unit"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
