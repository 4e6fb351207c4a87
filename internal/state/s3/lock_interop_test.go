package s3

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/testutil"
)

// These tests share the lock with a real terraform on the same bucket.

// gatedUnit is a root module on the s3 backend whose apply with
// -var gate=true holds the lock until the test creates release.
func gatedUnit(t *testing.T, backendHCL, name string) string {
	t.Helper()
	dir := writeUnit(t, backendHCL, gatedConfig(name))
	runTerraform(t, dir, "init", "-input=false", "-no-color")
	runTerraform(t, dir, "apply", "-auto-approve", "-input=false", "-no-color")
	return dir
}

func gatedConfig(name string) string {
	return `variable "gate" {
  type    = bool
  default = false
}

resource "terraform_data" "` + name + `" {
  input = "kept"
}

resource "terraform_data" "gate" {
  count = var.gate ? 1 : 0
  provisioner "local-exec" {
    command = "touch started && while [ ! -f release ]; do sleep 0.05; done"
  }
}
`
}

func needTerraform(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs terraform; skipped with -short")
	}
	terraformBin(t)
}

func TestTerraformWaitsForStackctlLock(t *testing.T) {
	needTerraform(t)
	t.Parallel()
	for _, mode := range []string{"use_lockfile", "dynamodb_table"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b, hcl := lockedBackend(t, mode, "app/terraform.tfstate", nil)
			dir := gatedUnit(t, hcl, "a")
			lock := state.NewLockInfo("stackctl state mv")
			if err := b.Lock(ctx, lock); err != nil {
				t.Fatal(err)
			}
			cmd := terraform(ctx, t, dir, "plan", "-lock-timeout=3s", "-input=false", "-no-color")
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("terraform plan ran while stackctl held the lock:\n%s", out)
			}
			for _, want := range []string{"Error acquiring the state lock", "Operation: stackctl state mv", "Who:       " + lock.Who, "ID:        " + lock.ID} {
				if !strings.Contains(string(out), want) {
					t.Errorf("terraform's error lacks %q:\n%s", want, out)
				}
			}
			if err := b.Unlock(ctx, lock.ID); err != nil {
				t.Fatal(err)
			}
			runTerraform(t, dir, "plan", "-lock-timeout=3s", "-input=false", "-no-color")
		})
	}
}

func TestStackctlLockFailsWhileTerraformHoldsIt(t *testing.T) {
	needTerraform(t)
	t.Parallel()
	for _, mode := range []string{"use_lockfile", "dynamodb_table"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b, hcl := lockedBackend(t, mode, "app/terraform.tfstate", nil)
			dir := gatedUnit(t, hcl, "a")

			var out testutil.SyncBuffer
			apply := terraform(ctx, t, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-var", "gate=true")
			apply.Stdout, apply.Stderr = &out, &out
			if err := apply.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- apply.Wait() }()
			release := func() { _ = os.WriteFile(filepath.Join(dir, "release"), nil, 0o644) }
			defer func() { release(); <-done }()
			waitForFile(t, done, &out, filepath.Join(dir, "started"))

			err := b.Lock(ctx, state.NewLockInfo("stackctl state mv"))
			var le *state.LockedError
			if !errors.Is(err, state.ErrLocked) || !errors.As(err, &le) || le.Holder == nil ||
				le.Holder.Operation != "OperationTypeApply" || !strings.Contains(err.Error(), "(apply, terraform 1.") {
				t.Fatalf("Lock while terraform applies: %v", err)
			}
			release()
			if err := <-done; err != nil {
				t.Fatalf("terraform apply: %v\n%s", err, out.String())
			}
			done <- nil
			lock := state.NewLockInfo("stackctl state mv")
			if err := b.Lock(ctx, lock); err != nil {
				t.Fatalf("Lock after terraform finished: %v", err)
			}
			if err := b.Unlock(ctx, lock.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A state stackctl wrote is one terraform takes: with dynamodb_table only
// if the digest was updated too (terraform refuses a mismatch).
func TestWriteThenTerraformPlanIsNoop(t *testing.T) {
	needTerraform(t)
	t.Parallel()
	for _, mode := range []string{"use_lockfile", "dynamodb_table"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b, hcl := lockedBackend(t, mode, "app/terraform.tfstate", nil)
			dir := gatedUnit(t, hcl, "a")
			lock := state.NewLockInfo("stackctl state mv")
			if err := b.Lock(ctx, lock); err != nil {
				t.Fatal(err)
			}
			st, err := b.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := state.Move(st, "terraform_data.a", st, "terraform_data.b"); err != nil {
				t.Fatal(err)
			}
			w, err := state.Write(ctx, b, &state.Backups{Dir: t.TempDir()}, lock, st)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Unlock(ctx, lock.ID); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("terraform {\n  backend \"s3\" {\n"+hcl+"  }\n}\n\n"+gatedConfig("b")), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := terraform(ctx, t, dir, "plan", "-detailed-exitcode", "-input=false", "-no-color")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("terraform plan after the move (exit 2 means changes): %v\n%s", err, out)
			}
			out, err := terraform(ctx, t, dir, "state", "pull").Output()
			got, perr := state.Parse(out)
			if err != nil || perr != nil || got.Serial != w.Serial || got.Lineage != w.Lineage {
				t.Errorf("terraform state pull: %v %v; serial %d, want %d", err, perr, got.Serial, w.Serial)
			}
		})
	}
}

func waitForFile(t *testing.T, done chan error, out *testutil.SyncBuffer, path string) {
	t.Helper()
	for range 9000 { // 3 minutes, a guard only
		if _, err := os.Stat(path); err == nil {
			return
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("terraform ended (%v) before %s appeared:\n%s", err, path, out.String())
		default:
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not appear:\n%s", path, out.String())
}
