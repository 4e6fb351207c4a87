package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/terraform"
)

func TestSummaryTable(t *testing.T) {
	res := &ops.Result{Operation: "plan", Env: "dev", Duration: 2 * time.Second, Units: []ops.UnitOutcome{
		{Unit: "network", Status: runner.Succeeded, Duration: 1200 * time.Millisecond, UnitResult: ops.UnitResult{Changes: &terraform.Changes{Add: 3}, HasChanges: true}},
		{Unit: "database", Status: runner.Failed, Duration: 300 * time.Millisecond, Err: errors.New("terraform plan failed: boom\nmore detail")},
		{Unit: "service", Status: runner.Skipped, UnitResult: ops.UnitResult{Message: "database failed"}},
	}}
	s := NewSummary(res, SummaryOptions{LogPath: func(u string) string { return "logs/" + u }})
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
