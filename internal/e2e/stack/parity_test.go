package stack

import (
	"os"
	"strings"
	"testing"
)

// The repository's staging and prod differ only as stackctl.hcl's parity
// block declares (capacity, retention, deletion protection, VPC ranges,
// zone ownership, partner networks), so diff-env exits 0. Then the lesson:
// prod's api is handed an issuer that still names staging's domain, and
// diff-env exits 2 naming the input with both values, before anything
// reaches prod. No emulator: diff-env needs no cloud.
func TestStagingAndProdDifferOnlyAsDeclared(t *testing.T) {
	t.Parallel()
	tr := repoTree(t)
	r := tr.Must(0, "diff-env", "staging", "prod")
	if !strings.Contains(r.Stdout, "0 undeclared differences") || !strings.Contains(r.Stdout, "capacity: prod serves the traffic") {
		t.Errorf("diff-env staging prod:\n%s", r)
	}
	tr.Must(0, "diff-env", "dev", "staging")

	prodService := tr.Path("infra/live/prod/service/unit.hcl")
	src, err := os.ReadFile(prodService)
	if err != nil {
		t.Fatal(err)
	}
	stale := strings.Replace(string(src), "inputs = {", `inputs = {
  api_environment = { JWT_ISSUER = "https://app.staging.bookmark-manager.test" }`, 1)
	if stale == string(src) {
		t.Fatalf("no inputs block in %s to plant the stale issuer in", prodService)
	}
	if err := os.WriteFile(prodService, []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	r = tr.Must(2, "diff-env", "staging", "prod")
	for _, want := range []string{"1 undeclared difference", "api_environment", `"https://app.staging.bookmark-manager.test"`} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("diff-env with prod's stale issuer: no %q:\n%s", want, r)
		}
	}
}
