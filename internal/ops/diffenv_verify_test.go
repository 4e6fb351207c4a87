package ops

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/parity"
	"github.com/stackctl/stackctl/internal/testutil"
	"github.com/stackctl/stackctl/internal/verify"
)

func parityTree(t *testing.T) string {
	unit := `source = "../../../modules/app"
inputs = {
  hostnames = ["app.${env.domain}"]
  key       = ssm_parameter("/shop/${env.name}/key")
}
verify "routed" {
  assert {
    condition = contains(outputs.routes, "partner")
    message   = "no route for the partner"
  }
}
`
	return testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":              "project = \"shop\"\nlive_dir = \"live\"\n",
		"modules/app/main.tf":       "variable \"hostnames\" {}\nvariable \"key\" {}\n",
		"live/staging/env.hcl":      `vars = { domain = "staging.example.com" }`,
		"live/prod/env.hcl":         `vars = { domain = "example.com" }`,
		"live/staging/app/unit.hcl": unit,
		"live/prod/app/unit.hcl":    unit,
		"live/prod/partner/unit.hcl": `source = "../../../modules/app"
inputs = {
  hostnames = []
  key       = "k"
}
`,
	})
}

func loadPair(t *testing.T, dir string) (*Engine, *Engine) {
	t.Helper()
	getenv := func(string) (string, bool) { return "", false }
	a, err := Load(Options{Dir: dir, Env: "staging", Getenv: getenv, SSM: parity.OfflineSSM})
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.LoadOther("prod")
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// The second environment shares the first one's loader: stackctl.hcl is
// parsed and evaluated once, and both environments' files are there for
// diagnostics.
func TestLoadOtherSharesTheLoader(t *testing.T) {
	a, b := loadPair(t, parityTree(t))
	if a.Loader != b.Loader || a.Stack.Root != b.Stack.Root {
		t.Fatal("the second environment has a loader (and a root) of its own")
	}
	if b.Env() != "prod" || len(b.Stack.Units) != 2 {
		t.Fatalf("prod: %s, %d units", b.Env(), len(b.Stack.Units))
	}
	files := a.Loader.Files()
	for _, f := range []string{"live/staging/app/unit.hcl", "live/prod/partner/unit.hcl"} {
		found := false
		for name := range files {
			found = found || strings.HasSuffix(name, f)
		}
		if !found {
			t.Errorf("%s is not among the loader's files", f)
		}
	}
}

// --unit selects across both environments: a unit only one of them has
// is compared (as missing), and a pattern matching nothing in either is
// refused with the units there are.
func TestDiffEnvSelectsInEitherEnvironment(t *testing.T) {
	a, b := loadPair(t, parityTree(t))
	res, _, err := DiffEnv(context.Background(), a, b, DiffEnvOptions{Units: []string{"partner"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Units != 1 || len(res.Differences) != 1 || res.Differences[0].What != "only in prod" {
		t.Fatalf("want partner only in prod, got %+v", res)
	}
	a, b = loadPair(t, parityTree(t))
	res, _, err = DiffEnv(context.Background(), a, b, DiffEnvOptions{Units: []string{"app"}})
	if err != nil || res.Units != 1 || len(res.Differences) != 0 {
		t.Fatalf("app: %+v, %v", res, err)
	}
	_, _, err = DiffEnv(context.Background(), a, b, DiffEnvOptions{Units: []string{"nothing"}})
	if err == nil || !strings.Contains(err.Error(), `no unit matches "nothing" in staging or prod; units: app, partner`) {
		t.Fatalf("want the pattern refused, got %v", err)
	}
}

// A unit without state fails each of its checks saying so; a unit with
// state has its checks evaluated on its outputs.
func TestVerifyOnState(t *testing.T) {
	dir := parityTree(t)
	a, b := loadPair(t, dir)
	v, err := verify.New(verify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var heard []string
	results := a.Verify(context.Background(), v, func(r verify.Result) { heard = append(heard, r.Name) })
	if len(results) != 1 || results[0].Passed || !strings.Contains(results[0].Reason, "app has no state yet") ||
		!strings.Contains(results[0].Reason, "stackctl apply staging --unit app") {
		t.Fatalf("no state: %+v", results)
	}
	if len(heard) != 1 {
		t.Errorf("onResult heard %v", heard)
	}
	// prod's app holds outputs; partner declares no check.
	st := filepath.Join(dir, ".stackctl/state/prod/app/terraform.tfstate")
	if err := os.MkdirAll(filepath.Dir(st), 0o755); err != nil {
		t.Fatal(err)
	}
	doc := `{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"l","outputs":{"routes":{"value":["app"],"type":["list","string"]}},"resources":[],"check_results":null}`
	if err := os.WriteFile(st, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	results = b.Verify(context.Background(), v, nil)
	if len(results) != 1 || results[0].Passed || results[0].Reason != "no route for the partner" || results[0].Unit != "app" {
		t.Fatalf("prod: %+v", results)
	}
}
