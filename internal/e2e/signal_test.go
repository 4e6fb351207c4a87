package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGINT during a slow apply: terraform gets the interrupt, stops, saves
// state and releases the lock; stackctl reports it and leaves no terraform
// running.
func TestInterruptSavesStateAndUnlocks(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/slow/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "slow", sleep = 30 }
`
	files["live/dev/after/unit.hcl"] = `source = "../../../modules/step"
dependency "slow" {
  path = "../slow"
}
inputs = { name = "after", upstream = dependency.slow.outputs.value }
`
	tr := newTree(t, files)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, stdout, stderr := tr.Command(ctx, "apply", "dev", "--unit", "slow", "--unit", "after", "--auto-approve", "--stream")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, cmd, stdout, "Provisioning with 'local-exec'")
	t0 := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if err == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("interrupted apply: want exit 1, got %v\n%s\n%s", err, stdout, stderr)
	}
	if d := time.Since(t0); d > 20*time.Second {
		t.Errorf("stopping took %s: terraform did not get the interrupt", d)
	}
	out := stdout.String()
	contains(t, "stdout", out, "Interrupt received", "interrupted")
	contains(t, "stderr", stderr.String(), "interrupted: letting running terraform stop gracefully")
	if strings.Contains(out, "[after] ▶") {
		t.Errorf("a unit started after the interrupt:\n%s", out)
	}

	// The state was written and no lock is left behind.
	stateDir := tr.Path(".stackctl/state/dev/slow")
	data, err := os.ReadFile(filepath.Join(stateDir, "terraform.tfstate"))
	if err != nil {
		t.Fatalf("no state saved after the interrupt: %v", err)
	}
	var st struct {
		Version int `json:"version"`
		Serial  int `json:"serial"`
	}
	if err := json.Unmarshal(data, &st); err != nil || st.Version != 4 {
		t.Fatalf("state is not a valid state: %v\n%s", err, data)
	}
	locks, _ := filepath.Glob(filepath.Join(stateDir, ".*lock.info"))
	if len(locks) > 0 {
		t.Errorf("lock left behind: %v", locks)
	}
	// No terraform outlives stackctl.
	if pids := terraformUnder(t, tr.Dir); len(pids) > 0 {
		t.Errorf("terraform processes still running in the tree: %v", pids)
	}
	// And the unit is usable at once: not locked. Its resource was cut short,
	// so terraform plans to replace it.
	r := tr.Must(0, "plan", "dev", "--unit", "slow", "--lock-timeout", "1s")
	if strings.Contains(r.Stdout, "Error acquiring the state lock") {
		t.Errorf("state still locked:\n%s", r)
	}
	contains(t, "plan after the interrupt", r.Stdout, "plan dev: 1 succeeded")
}

// terraformUnder lists terraform processes whose working folder is inside
// dir.
func terraformUnder(t *testing.T, dir string) []string {
	t.Helper()
	// /proc holds resolved paths; a TMPDIR behind a symlink would
	// otherwise match nothing, and the checks built on this would pass.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatalf("reading /proc: %v", err)
	}
	var pids []string
	for _, e := range entries {
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || (cwd != dir && !strings.HasPrefix(cwd, dir+string(filepath.Separator))) {
			continue
		}
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if strings.Contains(filepath.Base(exe), "terraform") {
			pids = append(pids, e.Name()+" "+exe)
		}
	}
	return pids
}
