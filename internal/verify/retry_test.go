package verify

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// A check's own interval wins over --interval; without one it waits
// --interval between attempts, here longer than the check's deadline, so
// it tries once.
func TestRetryInterval(t *testing.T) {
	t.Parallel()
	base := httpServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "starting", http.StatusServiceUnavailable)
	}))
	specs := load(t, `
verify "own_interval" {
  timeout  = "1s"
  interval = "100ms"
  http { url = outputs.url }
}
verify "default_interval" {
  timeout = "1s"
  http { url = outputs.url }
}
`, map[string]cty.Value{"url": str(base)})
	got := run(t, verifier(t, Options{Interval: 5 * time.Second}), specs)
	if r := got["own_interval"]; r.Passed || r.Attempts < 3 {
		t.Errorf("own_interval: want at least 3 attempts 100 ms apart in 1 s, got %+v", r)
	}
	if r := got["default_interval"]; r.Passed || r.Attempts != 1 || r.Reason != "answered 503 Service Unavailable, want 2xx" {
		t.Errorf("default_interval: want one attempt, the next being past the deadline, got %+v", r)
	}
}

// The reason a failing check gives is the last complete attempt's: an
// attempt its deadline cut short says only that, so it keeps the one
// before.
func TestReasonOfTheLastCompleteAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	base := httpServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			http.Error(w, "starting", http.StatusServiceUnavailable)
		case 2:
			http.Error(w, "gone", http.StatusNotFound)
		default:
			<-r.Context().Done()
		}
	}))
	specs := load(t, `
verify "flapping" {
  timeout  = "2s"
  interval = "100ms"
  http { url = outputs.url }
}
`, map[string]cty.Value{"url": str(base)})
	r := run(t, verifier(t, Options{}), specs)["flapping"]
	if r.Passed || r.Attempts != 3 || !strings.HasPrefix(r.Reason, "answered 404 Not Found, want 2xx (still failing after 3 attempts over ") {
		t.Errorf("want the second attempt's reason after 3 attempts, got %+v", r)
	}
}
