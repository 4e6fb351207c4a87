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

// Warnings are listed once each with the units that gave them; an
// interrupted unit makes the run interrupted.
func TestSummaryWarningsAndInterruption(t *testing.T) {
	res := &ops.Result{Operation: "apply", Env: "prod", Duration: 90 * time.Second, Units: []ops.UnitOutcome{
		{Unit: "network", Status: runner.Succeeded, Duration: 61 * time.Second, UnitResult: ops.UnitResult{Warnings: []string{"deprecated argument", "provider upgrade"}}},
		{Unit: "db", Status: runner.Interrupted, Duration: 2 * time.Second, Err: errors.New("interrupted"), UnitResult: ops.UnitResult{Warnings: []string{"deprecated argument"}}},
		{Unit: "app", Status: runner.Interrupted},
	}}
	s := NewSummary(res, SummaryOptions{FormatError: func(err error) string { return "Error: " + err.Error() }, Reasons: map[string][]string{"db": {"unit.hcl modified"}}})
	if s.Result != "interrupted" || s.Changes || s.Counts != (Counts{Succeeded: 1, Interrupted: 2}) || s.DurationMS != 90000 {
		t.Fatalf("summary %+v", s)
	}
	if len(s.Warnings) != 2 || s.Warnings[0].Message != "deprecated argument" || strings.Join(s.Warnings[0].Units, ",") != "db,network" || strings.Join(s.Warnings[1].Units, ",") != "network" {
		t.Errorf("warnings %+v", s.Warnings)
	}
	if s.Units[1].Error != "Error: interrupted" || s.Units[1].Log != "" || strings.Join(s.Units[1].Reasons, ",") != "unit.hcl modified" || s.Units[0].DurationMS != 61000 {
		t.Errorf("db: %+v", s.Units[1])
	}
	s.Notes = []string{"2 units not planned"}
	var b strings.Builder
	s.WriteTable(&b, true, "")
	want := "UNIT     RESULT       DURATION  NOTE\n" +
		"network  succeeded    1m01s     \n" +
		"db       interrupted  2.0s      Error: interrupted\n" +
		"app      interrupted  -         \n" +
		"\n\x1b[33;1mWarning:\x1b[0m deprecated argument\n  in 2 units: db, network\n" +
		"\n\x1b[33;1mWarning:\x1b[0m provider upgrade\n  in network\n" +
		"\n\x1b[31;1mError in\x1b[0m db:\n  Error: interrupted\n" +
		"\n2 units not planned\n" +
		"\napply prod: 1 succeeded, 2 interrupted in 1m30s\n"
	if b.String() != want {
		t.Errorf("table:\n%q\nwant:\n%q", b.String(), want)
	}
	var js strings.Builder
	if err := s.WriteJSON(&js); err != nil || !strings.Contains(js.String(), `"result": "interrupted"`) {
		t.Errorf("JSON (%v):\n%s", err, js.String())
	}
	if got := (Summary{}).countsText(); got != "no units" {
		t.Errorf("no units: %q", got)
	}
}

// A unit that failed at once still shows its duration.
func TestSummaryDurations(t *testing.T) {
	res := &ops.Result{Operation: "plan", Env: "dev", Units: []ops.UnitOutcome{
		{Unit: "a", Status: runner.Failed, Err: errors.New("x")},
		{Unit: "b", Status: runner.Succeeded},
		{Unit: "c", Status: runner.Skipped, Duration: 5 * time.Millisecond},
	}}
	var b strings.Builder
	NewSummary(res, SummaryOptions{}).WriteTable(&b, false, "")
	want := "UNIT  RESULT     DURATION  NOTE\na     failed     0ms       x\nb     succeeded  0ms       \nc     skipped    5ms       \n"
	if !strings.HasPrefix(b.String(), want) {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
