package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/runner"
)

func TestSummaryTable(t *testing.T) {
	results := []runner.Result{
		{Unit: "network", Status: runner.Succeeded, Duration: 1200 * time.Millisecond, Outcome: runner.Outcome{Changes: &runner.Changes{Add: 3}, HasChanges: true}},
		{Unit: "database", Status: runner.Failed, Duration: 300 * time.Millisecond, Err: errors.New("terraform plan failed: boom\nmore detail")},
		{Unit: "service", Status: runner.Skipped, Outcome: runner.Outcome{Note: "database failed"}},
	}
	s := NewSummary("plan", "dev", []string{"network", "database", "service"}, results, func(u string) string { return "logs/" + u }, 2*time.Second)
	if s.Result != "failed" || !s.Changes || s.Counts != (Counts{Succeeded: 1, Failed: 1, Skipped: 1}) {
		t.Fatalf("summary %+v", s)
	}
	var b strings.Builder
	s.WriteTable(&b, false, ".stackctl/logs/dev")
	want := `UNIT      RESULT     ADD  CHANGE  DESTROY  DURATION  NOTE
network   succeeded  3    0       0        1.2s      
database  failed     -    -       -        300ms     terraform plan failed: boom
service   skipped    -    -       -        -         database failed

Error in database:
  terraform plan failed: boom
  more detail
  full output: logs/database

plan dev: 1 succeeded, 1 failed, 1 skipped in 2.0s; logs in .stackctl/logs/dev
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}
