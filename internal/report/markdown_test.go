package report

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/markdown"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/terraform"
	"github.com/stackctl/stackctl/internal/treegen"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./internal/report -run %s -update rewrites it):\n%s", path, t.Name(), got)
	}
}

func changes(add, change, destroy int) *terraform.Changes {
	return &terraform.Changes{Add: add, Change: change, Destroy: destroy}
}

// sample is a run with every kind of unit: changes, a destroy, no
// changes, a plan on mocks, a failure and a skipped dependent.
func sample(op string) *ops.Result {
	return &ops.Result{Operation: op, Env: "prod", Duration: 83 * time.Second, Units: []ops.UnitOutcome{
		{Unit: "network", Status: runner.Succeeded, UnitResult: ops.UnitResult{HasChanges: true, Changes: changes(1, 1, 1),
			Resources: []terraform.ResourceAction{{Address: "aws_subnet.a", Action: "create"}, {Address: "aws_vpc.main", Action: "update"}, {Address: "aws_nat_gateway.old", Action: "delete"}}}},
		{Unit: "database", Status: runner.Succeeded, UnitResult: ops.UnitResult{Changes: changes(0, 0, 0), Message: "no changes"}},
		{Unit: "apps/api", Status: runner.Succeeded, UnitResult: ops.UnitResult{HasChanges: true, Changes: changes(1, 0, 1), Mocked: []string{"database"},
			Warnings:  []string{"planned with the mock_outputs of database (no state yet): this plan can be reviewed, not applied"},
			Resources: []terraform.ResourceAction{{Address: `aws_ecs_service.api["a|b"]`, Action: "replace"}}}},
		{Unit: "edge", Status: runner.Failed, Err: errors.New("terraform plan failed: Error: <invalid> value\nmore")},
		{Unit: "dns", Status: runner.Skipped, UnitResult: ops.UnitResult{Message: "edge failed"}},
	}}
}

var sampleDeps = map[string][]string{"database": {"network"}, "apps/api": {"database", "network"}, "edge": {"apps/api"}, "dns": {"edge"}}

func sampleOptions() RunMarkdownOptions {
	return RunMarkdownOptions{
		Dependencies: func(u string) []string { return sampleDeps[u] },
		FullText:     func(u string) string { return "plans/prod/" + u + "/plan.txt" },
		Reasons:      map[string][]string{"network": {"infra/live/prod/network/unit.hcl modified"}, "database": {"depends on network"}},
		ChangedSince: "origin/main",
		SummaryFile:  "plans/prod/summary.md",
		Notes:        []string{"5 plan(s) saved in plans/prod"},
	}
}

func TestRunMarkdownGolden(t *testing.T) {
	for _, op := range []string{"plan", "apply"} {
		t.Run(op, func(t *testing.T) {
			golden(t, "markdown-"+op+".md", RunMarkdown(sample(op), sampleOptions()).String(0))
		})
	}
	t.Run("one unit, no graph, no reasons", func(t *testing.T) {
		r := &ops.Result{Operation: "plan", Env: "dev", Duration: time.Second, Units: []ops.UnitOutcome{
			{Unit: "solo", Status: runner.Succeeded, UnitResult: ops.UnitResult{Changes: changes(0, 0, 0), Message: "no changes"}}}}
		golden(t, "markdown-solo.md", RunMarkdown(r, RunMarkdownOptions{}).String(0))
	})
}

// A report over the limit keeps every row and the CAUTION block: details
// are shortened first (naming the files with their full text), then the
// graph goes, then rows, naming the file with the whole report.
func TestMarkdownCuts(t *testing.T) {
	long := sample("plan")
	var b strings.Builder
	for i := range 400 {
		fmt.Fprintf(&b, "~ aws_route53_record.r%03d (update)\n", i)
	}
	long.Units[0].Resources = nil
	md := RunMarkdown(long, sampleOptions())
	md.Sections[0].Rows[0].Details = b.String()
	md.Sections[0].Rows[0].Summary = "network: 400 to change"
	full := md.String(1 << 30)
	for _, limit := range []int{len(full) - 1, 4000, 2500, 1200} {
		got := md.String(limit)
		if len(got) > limit {
			t.Fatalf("limit %d: %d bytes", limit, len(got))
		}
		if !strings.Contains(got, "> [!CAUTION]") || !strings.Contains(got, "`network`") {
			t.Fatalf("limit %d lost the CAUTION block or the first row:\n%s", limit, got)
		}
		if !strings.Contains(got, "plans/prod/summary.md") {
			t.Fatalf("limit %d does not name the whole report:\n%s", limit, got)
		}
	}
	golden(t, "markdown-cut.md", md.String(2500))
	if s := md.String(1200); strings.Contains(s, "```mermaid") || !strings.Contains(s, "more rows are left out") {
		t.Errorf("at 1200 bytes the graph stays or no row is cut:\n%s", s)
	}
}

// TestMarkdown300Units: the plan summary of a 300-unit tree (generated by
// treegen, every unit with changes and long details) fits GitHub's limit
// with every unit's row, and names where the rest is.
func TestMarkdown300Units(t *testing.T) {
	dir := t.TempDir()
	paths, err := treegen.Write(dir, treegen.Options{Units: 300, Width: 10, Env: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	st, diags := config.NewLoader(config.Options{Dir: dir}).Load("prod")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	g, diags := graph.FromStack(st)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	res := &ops.Result{Operation: "plan", Env: "prod", Duration: 5 * time.Minute}
	for i, p := range g.Order() {
		var acts []terraform.ResourceAction
		for k := range 30 {
			acts = append(acts, terraform.ResourceAction{Address: fmt.Sprintf("module.service.aws_ssm_parameter.setting[%q]", fmt.Sprint("key-", k)), Action: "update"})
		}
		c := changes(0, 30, 0)
		if i%50 == 0 {
			acts = append(acts, terraform.ResourceAction{Address: "terraform_data.this", Action: "delete"})
			c.Destroy = 1
		}
		res.Units = append(res.Units, ops.UnitOutcome{Unit: p, Status: runner.Succeeded, UnitResult: ops.UnitResult{HasChanges: true, Changes: c, Resources: acts}})
	}
	md := RunMarkdown(res, RunMarkdownOptions{Dependencies: g.Dependencies, FullText: func(u string) string { return "plans/prod/" + u + "/plan.txt" }, SummaryFile: "plans/prod/summary.md"})
	full := md.String(1 << 30)
	got := md.String(markdown.Limit)
	t.Logf("300 units: whole report %d bytes, summary %d bytes", len(full), len(got))
	if len(full) <= markdown.Limit {
		t.Fatalf("the whole report is only %d bytes: the test does not exercise the limit", len(full))
	}
	if len(got) > markdown.Limit {
		t.Fatalf("summary of %d bytes is over GitHub's %d", len(got), markdown.Limit)
	}
	for _, p := range paths {
		if !strings.Contains(got, "| `"+p+"` |") {
			t.Fatalf("unit %s has no row", p)
		}
	}
	if !strings.Contains(got, "> [!CAUTION]") || strings.Count(got, "resource(s) will be destroyed") != 6 {
		t.Errorf("the 6 destroys are not all called out first")
	}
	if !strings.Contains(got, "plans/prod/summary.md") {
		t.Error("the summary does not name the whole report")
	}
	if strings.Contains(got, "```mermaid") {
		t.Errorf("a graph of %d edges (mermaid draws %d) was kept", len(md.Graph.Edges), markdown.MermaidMaxEdges)
	}
}
