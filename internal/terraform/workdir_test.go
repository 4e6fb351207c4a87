package terraform

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// TestWorkdirPlanApply runs the real terraform through one working folder:
// init only when needed, a failed plan leaves no plan file behind, and a
// plan with changes is counted and applied.
func TestWorkdirPlanApply(t *testing.T) {
	t.Parallel()
	wd, out := workdirFor(t, `
variable "ok" { type = bool }
resource "terraform_data" "x" {
  input = "hello"
  lifecycle {
    precondition {
      condition     = var.ok
      error_message = "ok is false"
    }
  }
}
output "out" { value = terraform_data.x.output }
`)
	root := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if !wd.NeedsInit(true) {
		t.Fatal("a new working folder does not need init")
	}
	if ran, err := wd.EnsureInit(ctx, true); err != nil || !ran {
		t.Fatalf("EnsureInit() = %v, %v\n%s", ran, err, out.String())
	}
	if ran, err := wd.EnsureInit(ctx, true); err != nil || ran {
		t.Fatalf("second EnsureInit() = %v, %v: init ran again with nothing changed", ran, err)
	}

	ignored, err := wd.WriteInputs(map[string]cty.Value{"ok": cty.False, "typo": cty.NumberIntVal(1)})
	if err != nil || !slices.Equal(ignored, []string{"typo"}) {
		t.Fatalf("WriteInputs() = %v, %v", ignored, err)
	}
	p, err := wd.Plan(ctx, PlanOptions{})
	if err == nil || !strings.Contains(err.Error(), "ok is false") {
		t.Fatalf("plan with ok = false: %v", err)
	}
	p.Discard()
	if _, err := os.Stat(p.File); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed plan left its plan file behind (plans can hold secrets): %v", err)
	}

	if _, err := wd.WriteInputs(map[string]cty.Value{"ok": cty.True}); err != nil {
		t.Fatal(err)
	}
	pass, err := ParsePassThrough([]string{"-parallelism=1", "-lock=true"}, root)
	if err != nil {
		t.Fatal(err)
	}
	p, err = wd.Plan(ctx, PlanOptions{Extra: pass.Plan})
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out.String())
	}
	defer p.Discard()
	if !p.HasChanges || p.Changes.Add != 1 || !p.Changes.Outputs {
		t.Fatalf("plan = %+v, want one resource to add and outputs changing", p)
	}
	if info, err := os.Stat(p.File); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("plan file: %v, %v; want mode 0600", info, err)
	}
	if err := wd.Apply(ctx, p, ApplyOptions{Extra: pass.Apply}); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	again, err := wd.Plan(ctx, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again.Discard()
	if again.HasChanges {
		t.Errorf("plan after apply has changes: %+v", again)
	}
	if strings.Contains(out.String(), `"terraform_version"`) {
		t.Errorf("terraform version's JSON reached the unit's output:\n%s", out.String())
	}
}
