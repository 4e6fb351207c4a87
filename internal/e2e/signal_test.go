package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/testutil/moto"
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
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// The context's 3 minutes are only a guard against a hang; what shows
	// terraform got the interrupt is that the provisioner never finished
	// its 30 s sleep (it would log "create slow") and terraform says so.
	err := cmd.Wait()
	if err == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("interrupted apply: want exit 1, got %v\n%s\n%s", err, stdout, stderr)
	}
	if log, _ := os.ReadFile(tr.Path("order.log")); strings.Contains(string(log), "create slow") {
		t.Errorf("the provisioner ran to the end: terraform did not get the interrupt\n%s", log)
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

// terraformCmdlines is the command line of each terraform process whose
// working folder is inside dir, arguments joined by spaces (with one at
// each end, so " -flag=value " matches a whole argument).
func terraformCmdlines(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, p := range terraformUnder(t, dir) {
		raw, err := os.ReadFile(filepath.Join("/proc", strings.Fields(p)[0], "cmdline"))
		if err != nil || len(raw) == 0 {
			continue // it exited meanwhile
		}
		out = append(out, " "+strings.ReplaceAll(strings.TrimRight(string(raw), "\x00"), "\x00", " ")+" ")
	}
	return out
}

// Two runs in one checkout never share a unit's working folder: with
// different inputs (REV from the environment), the second waits for the
// first instead of mixing their tfvars and plans, and each applies its own
// value; a second run that cannot wait long enough fails naming the first.
func TestTwoRunsInOneCheckout(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/a/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "a-${get_env("REV")}", sleep = 3 }
`
	tr := newTree(t, files)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	first, out1, err1 := tr.Command(ctx, "apply", "dev", "-u", "a", "--auto-approve", "--stream")
	first.Env = append(first.Env, "REV=X")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, first, out1, "Provisioning with 'local-exec'")
	base := tr.Env
	tr.Env = append(base, "REV=Z")
	quick := tr.Run("apply", "dev", "-u", "a", "--auto-approve", "--lock-timeout", "0s")
	if quick.Code != 1 {
		t.Fatalf("a second run that cannot wait: exit %d\n%s", quick.Code, quick)
	}
	contains(t, "second run", quick.Stdout, "in use by another stackctl run in the same checkout", "stackctl apply dev -u a --auto-approve --stream", "(pid ")
	tr.Env = append(base, "REV=Y")
	second := tr.Must(0, "apply", "dev", "-u", "a", "--auto-approve", "--lock-timeout", "2m")
	// The second starts from the first's state, and applies its own value.
	contains(t, "second run", second.Stdout, "waiting for another stackctl run", `"a-X()" -> "a-Y()"`)
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v\n%s\n%s", err, out1, err1)
	}
	contains(t, "first run", out1.String(), "Apply complete! Resources: 1 added", `value = "a-X()"`)
	if strings.Contains(out1.String(), "a-Y") {
		t.Errorf("the first run saw the second's inputs:\n%s", out1)
	}
	r := tr.Must(0, "output", "dev", "-u", "a", "--json")
	contains(t, "state after both", r.Stdout, `"a-Y()"`)
}

// A frozen endpoint (the emulator stopped with SIGSTOP while terraform
// saves state) makes terraform wait in silence for as long as it stays
// frozen, and ignore an interrupt. With --stall-timeout the unit is shown
// as stalled, with its last line, and stopped: interrupted, then killed.
func TestFrozenEndpointIsStoppedAsStalled(t *testing.T) {
	t.Parallel()
	srv := moto.Start(t) // its own: freezing the shared one would stall every test
	project := randomName("e2e")
	files := chain()
	files["stackctl.hcl"] = strings.Replace(rootFile, `project  = "e2e"`, `project  = "`+project+`"`, 1) + `
remote_state {
  backend = "s3"
  config = {
    bucket       = "${project}-tfstate-${env.name}"
    key          = "${unit.path}/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}
`
	files["live/dev/slow/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "slow", sleep = 2 }
`
	tr := newTree(t, files)
	tr.Env = append(tr.Env, srv.Env()...)
	tr.Must(0, "bootstrap", "dev")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, stdout, stderr := tr.Command(ctx, "apply", "dev", "-u", "slow", "--auto-approve", "--stream", "--stall-timeout", "5s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, cmd, stdout, "Provisioning with 'local-exec'")
	if err := srv.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Signal(syscall.SIGCONT) }()
	err := cmd.Wait()
	if err == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("a stalled apply: want exit 1, got %v\n%s\n%s", err, stdout, stderr)
	}
	contains(t, "stdout", stdout.String(), "stalled: no progress for 5s; last line:", "stopping it (--stall-timeout)", "raise --stall-timeout")
	if pids := terraformUnder(t, tr.Dir); len(pids) > 0 {
		t.Errorf("terraform still running after the stall: %v", pids)
	}
}

// Two interrupts 10 ms apart count as one: terraform still stops
// gracefully, state is saved and the lock released.
func TestDoubleInterruptCountsOnce(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/slow/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "slow", sleep = 10 }
`
	tr := newTree(t, files)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, stdout, stderr := tr.Command(ctx, "apply", "dev", "-u", "slow", "--auto-approve", "--stream")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, cmd, stdout, "Provisioning with 'local-exec'")
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(10 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if err == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("want exit 1 (interrupted, not killed: 130), got %v\n%s\n%s", err, stdout, stderr)
	}
	if strings.Contains(stderr.String(), "second interrupt") {
		t.Errorf("the double press counted twice:\n%s", stderr)
	}
	data, err := os.ReadFile(tr.Path(".stackctl/state/dev/slow/terraform.tfstate"))
	if err != nil || !strings.Contains(string(data), `"version": 4`) {
		t.Fatalf("no valid state after the interrupt: %v\n%s", err, data)
	}
	if locks, _ := filepath.Glob(tr.Path(".stackctl/state/dev/slow/.*lock.info")); len(locks) > 0 {
		t.Errorf("lock left behind: %v", locks)
	}
}

// A failure that passes (here a provisioner that loses its connection
// once) is retried, with its reason shown; a pattern from the retry block
// counts too; max_attempts = 1 retries nothing.
func TestTransientFailuresAreRetried(t *testing.T) {
	t.Parallel()
	flaky := func(message string) string {
		return `variable "marker" { type = string }
resource "terraform_data" "x" {
  provisioner "local-exec" {
    command = "if [ ! -e ${var.marker} ]; then touch ${var.marker}; echo '` + message + `' >&2; exit 1; fi"
  }
}
`
	}
	files := map[string]string{
		"stackctl.hcl":          "project = \"e2e\"\nlive_dir = \"live\"\nretry {\n  wait   = \"1s\"\n  errors = [\"flaky backend\"]\n}\n",
		"modules/reset/main.tf": flaky("read: connection reset by peer"),
		"modules/own/main.tf":   flaky("flaky backend went away"),
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/a/unit.hcl":   "source = \"../../../modules/reset\"\ninputs = { marker = \"@ROOT@/a.marker\" }\n",
		"live/dev/b/unit.hcl":   "source = \"../../../modules/own\"\ninputs = { marker = \"@ROOT@/b.marker\" }\n",
	}
	tr := newTree(t, files)
	r := tr.Must(0, "apply", "dev", "--auto-approve", "--stream")
	contains(t, "apply", r.Stdout, "failed for a passing reason (", "connection reset by peer", "flaky backend went away", "attempt 2 of 3",
		"Warning: terraform apply was retried after:")

	tr.Write(map[string]string{"stackctl.hcl": "project = \"e2e\"\nlive_dir = \"live\"\nretry {\n  max_attempts = 1\n}\n"})
	_ = os.Remove(tr.Path("a.marker"))
	tr.Write(map[string]string{"live/dev/a/unit.hcl": "source = \"../../../modules/reset\"\ninputs = { marker = \"@ROOT@/a.marker\" }\n# again\n"})
	r = tr.Run("apply", "dev", "-u", "a", "--auto-approve", "--", "-replace=terraform_data.x")
	if r.Code != 1 || strings.Contains(r.Stdout, "passing reason") {
		t.Errorf("max_attempts = 1 still retried (exit %d):\n%s", r.Code, r)
	}
}

// Local state's lock is terraform's fcntl lock: while a run holds it,
// force-unlock says it ends with that process; once the run was killed,
// the lock info left behind is named by plan and removed by force-unlock,
// which checks its ID.
func TestLocalForceUnlock(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/slow/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "slow", sleep = 60 }
`
	tr := newTree(t, files)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, out, _ := tr.Command(ctx, "apply", "dev", "-u", "slow", "--auto-approve", "--stream")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, cmd, out, "Provisioning with 'local-exec'")
	info := tr.Path(".stackctl/state/dev/slow/.terraform.tfstate.lock.info")
	var lock struct{ ID string }
	if err := json.Unmarshal([]byte(tr.Read(".stackctl/state/dev/slow/.terraform.tfstate.lock.info")), &lock); err != nil || lock.ID == "" {
		t.Fatalf("lock info: %v", err)
	}
	r := tr.Must(1, "force-unlock", "dev", "-u", "slow", lock.ID, "--auto-approve")
	contains(t, "force-unlock of a live holder", r.Stderr, "held by a running process", "ends when the process that holds it ends")

	// terraform dies holding the lock: the kernel drops the fcntl lock,
	// the info file stays.
	for _, p := range terraformUnder(t, tr.Dir) {
		pid, _ := strconv.Atoi(strings.Fields(p)[0])
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(info); err != nil {
		t.Fatalf("no lock info left behind: %v", err)
	}
	r = tr.Must(1, "force-unlock", "dev", "-u", "slow", "not-the-id", "--auto-approve")
	contains(t, "wrong id", r.Stderr, "not by lock not-the-id")
	r = tr.Must(0, "force-unlock", "dev", "-u", "slow", lock.ID, "--auto-approve")
	contains(t, "released", r.Stdout, "Released lock "+lock.ID)
	if _, err := os.Stat(info); err == nil {
		t.Error("the lock info is still there")
	}
	tr.Must(0, "plan", "dev", "-u", "slow", "--lock-timeout", "1s")
}
