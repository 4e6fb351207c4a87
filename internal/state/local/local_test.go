package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/testutil"
	"github.com/stackctl/stackctl/internal/testutil/tf"
)

// unit is a terraform root module whose local backend keeps its state in
// a folder of its own; with -var gate=true, apply holds the lock until the
// test creates the file release (and says so by creating started).
type unit struct {
	dir, statePath string
	env            []string
}

const unitConfig = `terraform {
  backend "local" {
    path = %q
  }
}

variable "gate" {
  type    = bool
  default = false
}

resource "terraform_data" %q {
  input = "kept"
}

resource "terraform_data" "gate" {
  count = var.gate ? 1 : 0
  provisioner "local-exec" {
    command = "touch started && while [ ! -f release ]; do sleep 0.05; done"
  }
}
`

func newUnit(t *testing.T) *unit {
	t.Helper()
	u := &unit{dir: t.TempDir()}
	u.statePath = filepath.Join(t.TempDir(), "state", "terraform.tfstate")
	u.env = tf.Env(t, u.dir, "")
	u.config(t, "a")
	tf.Run(t, u.dir, u.env, "init", "-input=false", "-no-color")
	tf.Run(t, u.dir, u.env, "apply", "-auto-approve", "-input=false", "-no-color")
	return u
}

func (u *unit) config(t *testing.T, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(u.dir, "main.tf"), fmt.Appendf(nil, unitConfig, u.statePath, name), 0o644); err != nil {
		t.Fatal(err)
	}
}

func needTerraform(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs terraform; skipped with -short")
	}
	tf.Bin(t)
}

func TestTerraformWaitsForStackctlLock(t *testing.T) {
	needTerraform(t)
	t.Parallel()
	u := newUnit(t)
	ctx := context.Background()
	b := New(u.statePath)
	before, _ := os.ReadFile(u.statePath)

	lock := state.NewLockInfo("stackctl state mv")
	if err := b.Lock(ctx, lock); err != nil {
		t.Fatal(err)
	}
	if lock.Path != u.statePath || lock.Where != filepath.Join(filepath.Dir(u.statePath), ".terraform.tfstate.lock.info") {
		t.Errorf("lock Path %q, Where %q", lock.Path, lock.Where)
	}
	// Reading the state while locked must not end the lock (closing any
	// descriptor of the file would).
	if st, err := b.Read(ctx); err != nil || st == nil {
		t.Fatalf("Read() while locked = %v, %v", st, err)
	}
	out, err := tf.Try(t, u.dir, u.env, "plan", "-lock-timeout=3s", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("terraform plan ran while stackctl held the lock:\n%s", out)
	}
	for _, want := range []string{"Error acquiring the state lock", "Operation: stackctl state mv", "Who:       " + lock.Who, "ID:        " + lock.ID} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform's error lacks %q:\n%s", want, out)
		}
	}
	if err := b.Unlock(ctx, lock.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lock.Where); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock info after Unlock: %v", err)
	}
	tf.Run(t, u.dir, u.env, "plan", "-lock-timeout=3s", "-input=false", "-no-color")
	if after, _ := os.ReadFile(u.statePath); !bytes.Equal(before, after) {
		t.Error("locking and unlocking changed the state file")
	}
}

func TestStackctlLockFailsWhileTerraformHoldsIt(t *testing.T) {
	needTerraform(t)
	t.Parallel()
	u := newUnit(t)
	ctx := context.Background()
	b := New(u.statePath)

	apply := tf.Command(ctx, t, u.dir, u.env, "apply", "-auto-approve", "-input=false", "-no-color", "-var", "gate=true")
	var out testutil.SyncBuffer
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()
	release := func() { _ = os.WriteFile(filepath.Join(u.dir, "release"), nil, 0o644) }
	defer func() { release(); <-done }()
	waitFor(t, done, &out, filepath.Join(u.dir, "started"))

	err := b.Lock(ctx, state.NewLockInfo("stackctl state mv"))
	var le *state.LockedError
	if !errors.Is(err, state.ErrLocked) || !errors.As(err, &le) || le.Holder == nil {
		t.Fatalf("Lock while terraform applies: %v; want a LockedError with the holder", err)
	}
	if le.Holder.Operation != "OperationTypeApply" || !strings.Contains(le.Holder.Who, "@") || le.Holder.Path != u.statePath ||
		!strings.Contains(err.Error(), "locked by "+le.Holder.Who) || !strings.Contains(err.Error(), "(apply, terraform 1.") {
		t.Errorf("holder = %+v, err = %v", le.Holder, err)
	}

	release()
	if err := <-done; err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out.String())
	}
	done <- nil // for the deferred wait
	lock := state.NewLockInfo("stackctl state mv")
	if err := b.Lock(ctx, lock); err != nil {
		t.Fatalf("Lock after terraform finished: %v", err)
	}
	if err := b.Unlock(ctx, lock.ID); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until path exists, failing if the process ends first; the
// deadline is only a guard.
func waitFor(t *testing.T, done chan error, out *testutil.SyncBuffer, path string) {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("terraform ended (%v) before %s appeared:\n%s", err, path, out.String())
		case <-deadline:
			t.Fatalf("%s did not appear:\n%s", path, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// A state stackctl wrote is one terraform takes as its own: a resource
// moved in state matches the renamed configuration, so plan has nothing
// to do, and terraform's next write follows stackctl's serial.
func TestWriteThenTerraformPlanIsNoop(t *testing.T) {
	needTerraform(t)
	t.Parallel()
	u := newUnit(t)
	ctx := context.Background()
	b := New(u.statePath)
	backups := &state.Backups{Dir: filepath.Join(t.TempDir(), "backups")}

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
	w, err := state.Write(ctx, b, backups, lock, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Unlock(ctx, lock.ID); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(w.Backup.Path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup %s: %v, %v", w.Backup.Path, fi, err)
	}

	u.config(t, "b")
	plan := tf.Command(ctx, t, u.dir, u.env, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	out, err := plan.CombinedOutput()
	var ee *exec.ExitError
	if err != nil {
		if errors.As(err, &ee) && ee.ExitCode() == 2 {
			t.Fatalf("terraform plans changes after the move:\n%s", out)
		}
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	pulled := tf.Run(t, u.dir, u.env, "state", "pull")
	got, err := state.Parse([]byte(pulled))
	if err != nil || got.Serial != w.Serial || got.Lineage != w.Lineage {
		t.Errorf("terraform state pull: serial %d lineage %s (%v); want %d %s", got.Serial, got.Lineage, err, w.Serial, w.Lineage)
	}
}
