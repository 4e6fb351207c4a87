package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/terraform"
)

func TestAdoptionWithoutFilesWritten(t *testing.T) {
	var b strings.Builder
	WriteAdoption(&b, "db", &ops.Adoption{})
	if b.Len() != 0 {
		t.Errorf("an empty adoption printed %q", b.String())
	}
}

// Five destroyed addresses are all named; a sixth is counted instead.
func TestMarkdownNamesFiveDestroys(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{5, "`r4`\n"},
		{6, "`r4`, and 1 more\n"},
	} {
		var acts []terraform.ResourceAction
		for i := range c.n {
			acts = append(acts, terraform.ResourceAction{Address: fmt.Sprint("r", i), Action: "delete"})
		}
		r := &ops.Result{Operation: "plan", Env: "dev", Units: []ops.UnitOutcome{{Unit: "u", Status: runner.Succeeded,
			UnitResult: ops.UnitResult{HasChanges: true, Changes: changes(0, 0, c.n), Resources: acts}}}}
		md := RunMarkdown(r, RunMarkdownOptions{Dependencies: func(string) []string { return nil }})
		if len(md.Caution) != 1 || !strings.HasSuffix(md.Caution[0]+"\n", c.want) {
			t.Errorf("%d destroys: caution %q, want it to end %q", c.n, md.Caution, c.want)
		}
		if md.Graph != nil {
			t.Errorf("a graph of one unit: %+v", md.Graph)
		}
	}
}

func TestSummaryTableWithoutPlans(t *testing.T) {
	res := &ops.Result{Operation: "output", Env: "dev", Units: []ops.UnitOutcome{
		{Unit: "a", Status: runner.Succeeded, Duration: time.Second},
		{Unit: "b", Status: runner.Succeeded},
	}}
	var b strings.Builder
	NewSummary(res, SummaryOptions{}).WriteTable(&b, false, "")
	if first, _, _ := strings.Cut(b.String(), "\n"); first != "UNIT  RESULT     DURATION  NOTE" {
		t.Errorf("header %q: no ADD column without changes", first)
	}
}

func TestTruncateToOneColumn(t *testing.T) {
	if got := truncate("abc", 1); got != "…" {
		t.Errorf("truncate(abc, 1) = %q", got)
	}
}
