package terraform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

// workdirFor prepares the working folder of a one-unit tree whose module
// is main.tf, with local state. It runs the real terraform (built-in
// terraform_data only: nothing is downloaded).
func workdirFor(t *testing.T, mainTF string) (*Workdir, *testutil.SyncBuffer) {
	t.Helper()
	root := t.TempDir()
	mod := filepath.Join(root, "modules", "app")
	unitDir := filepath.Join(root, "live", "dev", "app")
	for path, content := range map[string]string{
		filepath.Join(mod, "main.tf"):      mainTF,
		filepath.Join(unitDir, "unit.hcl"): `source = "../../../modules/app"`,
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	s, err := NewSession(ctx, SessionOptions{RootDir: root, PluginCacheDir: filepath.Join(root, ".stackctl", "plugins"), Offline: true, Environ: os.Environ()})
	if err != nil {
		t.Fatalf("%v (these tests need terraform 1.11 on PATH: https://developer.hashicorp.com/terraform/install)", err)
	}
	u := &config.Unit{
		Path: "app", Name: "app", Dir: unitDir, File: filepath.Join(unitDir, "unit.hcl"),
		Source:  config.Source{Raw: "../../../modules/app", Local: true, Dir: mod},
		Backend: config.Backend{Type: config.BackendLocal, Config: map[string]cty.Value{"path": cty.StringVal(filepath.Join(root, "state", "terraform.tfstate"))}},
	}
	out := &testutil.SyncBuffer{}
	wd, err := s.Prepare(ctx, "dev", u, out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wd.Close)
	return wd, out
}

// init, fetch and show start terraform themselves (not through
// terraform-exec): a failure must still carry terraform's own error text,
// which classify and the failure summary read, and the step it failed in.
func TestInitFailureCarriesTerraformsError(t *testing.T) {
	t.Parallel()
	wd, out := workdirFor(t, `terraform {
  backend "s3" {}
  backend "local" {}
}
`)
	err := wd.Init(context.Background(), true)
	var te *Error
	if !errors.As(err, &te) || te.Step != "init" {
		t.Fatalf("Init() = %v, want a *terraform.Error of step init", err)
	}
	if !strings.Contains(err.Error(), "Duplicate backend configuration") || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("the error lacks terraform's message or its exit status:\n%v", err)
	}
	if !strings.Contains(out.String(), "Duplicate backend configuration") {
		t.Errorf("terraform's error did not reach the unit's output:\n%s", out.String())
	}
	if !wd.NeedsInit(true) {
		t.Error("a failed init was recorded as done")
	}
}

// A plan with changes is read back with `terraform show -json`, and shown
// as text either into the unit's output too, or (Quiet) only where asked.
func TestShowPlanJSONAndText(t *testing.T) {
	t.Parallel()
	wd, out := workdirFor(t, `resource "terraform_data" "x" { input = "hello" }
output "out" { value = terraform_data.x.output }
`)
	ctx := context.Background()
	if err := wd.Init(ctx, true); err != nil {
		t.Fatalf("init: %v\n%s", err, out.String())
	}
	p, err := wd.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out.String())
	}
	defer p.Discard()
	if p.JSON == nil || p.Changes.Add != 1 || !p.Changes.Outputs {
		t.Fatalf("plan = %+v, want its JSON with one resource to add and outputs changing", p)
	}
	if acts := ResourceActions(p.JSON); len(acts) != 1 || acts[0].Address != "terraform_data.x" || acts[0].Action != "create" {
		t.Errorf("ResourceActions() = %+v", acts)
	}

	before := len(out.String())
	var text strings.Builder
	if err := wd.ShowPlanTextQuiet(ctx, p.File, &text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "terraform_data.x will be created") {
		t.Errorf("ShowPlanTextQuiet wrote:\n%s", text.String())
	}
	if strings.Contains(out.String()[before:], "will be created") {
		t.Errorf("ShowPlanTextQuiet copied the plan into the unit's output:\n%s", out.String()[before:])
	}
	text.Reset()
	if err := wd.ShowPlanText(ctx, p.File, &text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "will be created") || !strings.Contains(out.String()[before:], "will be created") {
		t.Errorf("ShowPlanText did not write the plan to both writers:\nout:\n%s\nunit output:\n%s", text.String(), out.String()[before:])
	}

	if _, err := wd.ShowPlan(ctx, filepath.Join(t.TempDir(), "missing.tfplan")); err == nil {
		t.Error("ShowPlan of a missing plan file succeeded")
	} else if te := (*Error)(nil); !errors.As(err, &te) || te.Step != "show" {
		t.Errorf("ShowPlan of a missing file: %v, want a *terraform.Error of step show", err)
	}
}
