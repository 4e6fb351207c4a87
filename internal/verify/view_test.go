package verify

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleReport() *Report {
	results := []Result{
		{Unit: "service", Name: "app_url", Kind: "http", At: "infra/live/prod/service/unit.hcl:20:1", Target: "GET https://app.example.com/health",
			Passed: true, Reason: "answered 200 OK", Attempts: 1, Duration: 120 * time.Millisecond},
		{Unit: "service", Name: "api_refuses_without_key", Kind: "http", At: "infra/live/prod/service/unit.hcl:27:1", Target: "GET https://api.example.com/",
			Reason: "answered 200 OK, want 401 or 403 (still failing after 4 attempts over 6s)", Attempts: 4, Duration: 6200 * time.Millisecond},
		{Unit: "edge", Name: "partner_certificate", Kind: "tls", At: "infra/live/prod/edge/unit.hcl:9:1", Target: "partner-api.example.com:443",
			Passed: true, Reason: "certificate covers partner-api.example.com, issued by Amazon RSA 2048 M02, expires 2027-01-01 (in 90 days)", Attempts: 1, Duration: 80 * time.Millisecond},
		{Unit: "service", Name: "partner_rule", Kind: "assert", At: "infra/live/prod/service/unit.hcl:40:1",
			Reason: "the partner hostname has no listener rule | check edge", Attempts: 1},
	}
	for i := range results {
		results[i].DurationMS = results[i].Duration.Milliseconds()
	}
	return NewReport("prod", results, 6400*time.Millisecond)
}

func TestViews(t *testing.T) {
	r := sampleReport()
	if r.OK() || r.Passed != 2 || r.Failed != 2 {
		t.Fatalf("counts: %+v", r)
	}
	var human, color, md, js bytes.Buffer
	r.WriteHuman(&human, false)
	r.WriteHuman(&color, true)
	r.WriteMarkdown(&md)
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "human.golden", human.String())
	golden(t, "human-color.golden", color.String())
	golden(t, "markdown.golden", md.String())
	golden(t, "report.json.golden", js.String())

	var none bytes.Buffer
	NewReport("dev", nil, 0).WriteHuman(&none, false)
	if none.String() != "verify dev: no checks declared\n" {
		t.Errorf("no checks: %q", none.String())
	}
}

// A check that cannot be evaluated fails with the reason and where, and
// the run goes on with the others.
func TestCheckThatCannotBeEvaluated(t *testing.T) {
	specs, diags := loadDiags(t, `
verify "uses_missing_output" {
  http {
    url = outputs.missing_url
  }
}
verify "fine" {
  assert {
    condition = outputs.ready
    message   = "not ready"
  }
}
`, map[string]cty.Value{"ready": cty.True, "url": str("http://127.0.0.1:1/")})
	if !strings.Contains(diags, `Unit web has no output "missing_url". Its outputs: ready, url`) {
		t.Fatalf("diagnostics: %s", diags)
	}
	got := run(t, verifier(t, Options{}), specs)
	if r := got["uses_missing_output"]; r.Passed || !strings.HasPrefix(r.Reason, "cannot be evaluated: infra/live/dev/web/unit.hcl:4:11: Unknown output in verify uses_missing_output: Unit web has no output \"missing_url\"") {
		t.Errorf("uses_missing_output: %+v", r)
	}
	if r := got["fine"]; !r.Passed {
		t.Errorf("fine: %+v", r)
	}
}

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
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// A report whose checks all passed is not shown in bold.
func TestMarkdownOfPassingReport(t *testing.T) {
	rep := NewReport("dev", []Result{{Unit: "web", Name: "up", Kind: "http", Passed: true, Reason: "answered 200 OK"}}, 1500*time.Millisecond)
	var b strings.Builder
	rep.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "\n1 check passed in 1.5s\n") || strings.Contains(b.String(), "**") {
		t.Errorf("markdown:\n%s", b.String())
	}
}

func TestDurationsAndFirstLines(t *testing.T) {
	for d, want := range map[time.Duration]string{
		9900 * time.Millisecond:  "9.9s",
		10 * time.Second:         "10s",
		10400 * time.Millisecond: "10s",
		90 * time.Second:         "1m30s",
	} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%s) = %s, want %s", d, got, want)
		}
	}
	// Cut at 12 runes, the last one an ellipsis.
	for _, tc := range []struct{ in, want string }{
		{"fits exactly", "fits exactly"},
		{"one too long!", "one too lon…"},
		{"first\nsecond line", "first"},
		{"naïve cafés!", "naïve cafés!"},
	} {
		if got := firstLine(tc.in, 12); got != tc.want {
			t.Errorf("firstLine(%q, 12) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
