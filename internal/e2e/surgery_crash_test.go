package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The crash tests run a stackctl built with -tags crashtest: after every
// step of a transaction it reads STACKCTL_TEST_HOOK and, when told,
// SIGKILLs itself (crash:STEP) or waits (pause:STEP) until the file
// STACKCTL_TEST_RESUME exists. The product binary has no such code.
var (
	crashOnce   sync.Once
	crashBinary string
	crashErr    error
)

func crashtestBinary(t *testing.T) string {
	t.Helper()
	crashOnce.Do(func() {
		dir := filepath.Dir(binary)
		crashBinary = filepath.Join(dir, "stackctl-crashtest")
		_, file, _, _ := runtime.Caller(0)
		build := exec.Command("go", "build", "-tags", "crashtest", "-o", crashBinary, "./cmd/stackctl")
		build.Dir = filepath.Join(filepath.Dir(file), "..", "..")
		if out, err := build.CombinedOutput(); err != nil {
			crashErr = fmt.Errorf("building stackctl with -tags crashtest: %v\n%s", err, out)
		}
	})
	if crashErr != nil {
		t.Fatal(crashErr)
	}
	return crashBinary
}

// runWith runs a stackctl binary (the crashtest one) with extra
// environment.
func runWith(tr *tree, bin string, env []string, args ...string) result {
	tr.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, stdout, stderr := tr.Command(ctx, args...)
	cmd.Path, cmd.Args[0] = bin, bin
	cmd.Env = append(append([]string(nil), tr.Env...), env...)
	err := cmd.Run()
	r := result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		tr.T.Fatalf("running %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// crashCase is one transaction and how to tell its before from its after.
type crashCase struct {
	name  string
	files func() map[string]string
	// setup runs once the tree is applied; args is the surgery.
	setup func(tr *tree)
	args  []string
	steps []string
	// state says "old" or "new" (anything else is a mix).
	state func(tr *tree) string
}

func outputOf(tr *tree, unit string) string {
	r := tr.Run("output", "dev", "--unit", unit, "--json")
	if r.Code != 0 {
		return "(no state)"
	}
	var outs map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &outs); err != nil {
		return "(not JSON)"
	}
	return fmt.Sprint(outs["value"].Value)
}

func twoStepUnits(net, app string) map[string]string {
	return map[string]string{
		"stackctl.hcl":              rootFile,
		"modules/step/main.tf":      stepModule,
		"modules/net/main.tf":       stepModule + sharedResource,
		"modules/app/main.tf":       stepModule,
		"live/dev/env.hcl":          "vars = {}\n",
		"live/dev/network/unit.hcl": "source = \"../../../modules/net\"\ninputs = { name = \"" + net + "\" }\n",
		"live/dev/app/unit.hcl": `source = "../../../modules/app"
dependency "net" {
  path = "../network"
}
inputs = { name = "` + app + `", upstream = dependency.net.outputs.value }
`,
	}
}

func verdict(parts ...string) string {
	for _, p := range parts[1:] {
		if p != parts[0] {
			return "mixed " + strings.Join(parts, ",")
		}
	}
	return parts[0]
}

func oldNew(ok bool, isOld bool) string {
	switch {
	case !ok:
		return "?"
	case isOld:
		return "old"
	}
	return "new"
}

var crashCases = []crashCase{
	{
		name:  "rename-app",
		files: func() map[string]string { return twoStepUnits("wasabi-net", "wasabi") },
		args:  []string{"rename-app", "dev", "--from", "wasabi", "--to", "wasabi-v2", "--auto-approve", "--allow-update"},
		steps: []string{"journal", "locked", "prepared", "wrote:app", "wrote:network", "files", "verified", "committed", "unlocked"},
		state: func(tr *tree) string {
			net, app := outputOf(tr, "network"), outputOf(tr, "app")
			unit := tr.Read("live/dev/app/unit.hcl")
			return verdict(
				oldNew(net == "wasabi-net()" || net == "wasabi-v2-net()", net == "wasabi-net()"),
				oldNew(strings.HasPrefix(app, "wasabi"), !strings.HasPrefix(app, "wasabi-v2")),
				oldNew(true, !strings.Contains(unit, "wasabi-v2")),
				oldNew(true, !strings.Contains(tr.Read("live/dev/network/unit.hcl"), "wasabi-v2")))
		},
	},
	{
		name:  "mv-unit",
		files: func() map[string]string { return twoStepUnits("network", "app") },
		args:  []string{"mv-unit", "dev", "network", "core/network", "--auto-approve"},
		steps: []string{"journal", "locked", "prepared", "wrote:core/network", "moved", "files", "verified", "committed", "deleted:network", "unlocked"},
		state: func(tr *tree) string {
			_, oldDir := os.Stat(tr.Path("live/dev/network/unit.hcl"))
			_, newDir := os.Stat(tr.Path("live/dev/core/network/unit.hcl"))
			oldState, _ := os.ReadFile(tr.Path(".stackctl/state/dev/network/terraform.tfstate"))
			newState, _ := os.ReadFile(tr.Path(".stackctl/state/dev/core/network/terraform.tfstate"))
			app := tr.Read("live/dev/app/unit.hcl")
			return verdict(
				oldNew((oldDir == nil) != (newDir == nil), oldDir == nil),
				oldNew((len(oldState) > 0) != (len(newState) > 0), len(oldState) > 0),
				oldNew(true, strings.Contains(app, `"../network"`)))
		},
	},
	{
		name: "state-mv",
		files: func() map[string]string {
			f := twoStepUnits("network", "app")
			return f
		},
		setup: func(tr *tree) {
			tr.Write(map[string]string{"modules/net/main.tf": stepModule, "modules/app/main.tf": stepModule + sharedResource})
		},
		args:  []string{"state", "mv", "dev", "network:terraform_data.shared", "app:terraform_data.shared", "--auto-approve"},
		steps: []string{"journal", "locked", "prepared", "wrote:app", "wrote:network", "verified", "committed", "unlocked"},
		state: func(tr *tree) string {
			net, _ := os.ReadFile(tr.Path(".stackctl/state/dev/network/terraform.tfstate"))
			app, _ := os.ReadFile(tr.Path(".stackctl/state/dev/app/terraform.tfstate"))
			inNet, inApp := strings.Contains(string(net), `"name": "shared"`), strings.Contains(string(app), `"name": "shared"`)
			return oldNew(inNet != inApp, inNet)
		},
	},
	{
		name:  "restore",
		files: func() map[string]string { return twoStepUnits("network", "app") },
		setup: func(tr *tree) {
			tr.Must(0, "rename-app", "dev", "--unit", "network", "--from", "network", "--to", "net", "--auto-approve", "--allow-update")
		},
		args:  []string{"state", "restore", "dev", "--unit", "network", "latest", "--auto-approve"},
		steps: []string{"journal", "locked", "prepared", "wrote:network", "verified", "committed", "unlocked"},
		state: func(tr *tree) string {
			v := outputOf(tr, "network")
			return oldNew(v == "net()" || v == "network()", v == "net()")
		},
	},
	{
		name:  "push-errored",
		files: func() map[string]string { return twoStepUnits("network", "app") },
		setup: func(tr *tree) {
			// An errored state as terraform leaves it: the stored state's
			// lineage and serial, newer content.
			b := tr.Read(".stackctl/state/dev/network/terraform.tfstate")
			errored := strings.Replace(b, `"value": "network()"`, `"value": "errored()"`, 1)
			tr.Write(map[string]string{".stackctl/errored/dev/network/20260101T000000.000000000Z.tfstate": errored})
		},
		args:  []string{"state", "push-errored", "dev", "--unit", "network", "--auto-approve"},
		steps: []string{"journal", "locked", "prepared", "wrote:network", "verified", "committed", "unlocked"},
		state: func(tr *tree) string {
			v := outputOf(tr, "network")
			return oldNew(v == "network()" || v == "errored()", v == "network()")
		},
	},
}

// Killed with SIGKILL right after each step of each transaction, the next
// stackctl command finds the journal and finishes (once verified and
// committed) or rolls back (before): every state and file is then
// entirely the old or entirely the new one, and the tree plans again.
func TestSurgeryCrashAtEveryStep(t *testing.T) {
	t.Parallel()
	bin := crashtestBinary(t)
	for _, c := range crashCases {
		for i, step := range c.steps {
			t.Run(c.name+"/"+step, func(t *testing.T) {
				t.Parallel()
				tr := newTree(t, c.files())
				tr.Must(0, "apply", "dev", "--auto-approve")
				if c.setup != nil {
					c.setup(tr)
				}
				if got := c.state(tr); got != "old" {
					t.Fatalf("before the surgery the case reads %q", got)
				}
				r := runWith(tr, bin, []string{"STACKCTL_TEST_HOOK=crash:" + step}, c.args...)
				if r.Code != -1 || !strings.Contains(r.Stderr, "stackctl-test: crashing after "+step) {
					t.Fatalf("%s was to be killed after %s:\n%s", strings.Join(c.args, " "), step, r)
				}
				committed := false
				for _, s := range c.steps[:i+1] {
					committed = committed || s == "committed"
				}
				want, action := "old", "rolled back"
				if committed {
					want, action = "new", "finished"
				}
				if step == "journal" || step == "locked" {
					action = "released"
				}
				// The next command finds the journal: plan (which writes
				// nothing) says so; state recover settles it, and so does
				// apply --auto-approve (tried once: it then applies).
				rr := tr.Run("plan", "dev")
				contains(t, "plan after the crash", rr.Stderr, "an interrupted stackctl", "state recover dev --auto-approve")
				settle := []string{"state", "recover", "dev", "--auto-approve"}
				if c.name == "rename-app" && step == "wrote:app" {
					settle = []string{"apply", "dev", "--auto-approve"}
				}
				rec := tr.Must(0, settle...)
				contains(t, "recovery", rec.Stderr, action+" the interrupted")
				if got := c.state(tr); got != want {
					t.Errorf("after a crash after %s and the recovery: %s, want %s\n%s", step, got, want, rec)
				}
				if r := tr.Run("plan", "dev"); r.Code != 0 {
					t.Errorf("plan after the recovery:\n%s", r)
				}
				if left := tr.Must(0, "state", "recover", "dev"); !strings.Contains(left.Stdout, "nothing to recover") {
					t.Errorf("a journal is left:\n%s", left)
				}
			})
		}
	}
}

// An apply while a surgery holds its locks: in the same checkout it is
// refused at once, naming the surgery; from another checkout (shared S3
// state) terraform's own lock stops it — failing with --lock-timeout 0s,
// or waiting for the surgery to finish with a longer one.
func TestApplyDuringSurgeryWaitsOrFails(t *testing.T) {
	t.Parallel()
	bin := crashtestBinary(t)
	tr, _, _ := s3Tree(t, nil)
	tr.Must(0, "bootstrap", "dev")
	tr.Must(0, "apply", "dev", "--auto-approve", "--unit", "network")
	resume := tr.Path("resume")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	surgery, out, errOut := tr.Command(ctx, "rename-app", "dev", "--unit", "network", "--from", "network", "--to", "net", "--auto-approve", "--allow-update")
	surgery.Path, surgery.Args[0] = bin, bin
	surgery.Env = append(append([]string(nil), tr.Env...), "STACKCTL_TEST_HOOK=pause:prepared", "STACKCTL_TEST_RESUME="+resume)
	must(t, surgery.Start())
	waitFor(t, surgery, errOut, "stackctl-test: paused after prepared")

	r := tr.Must(1, "apply", "dev", "--unit", "network", "--auto-approve")
	contains(t, "apply in the same checkout", r.Stderr, "a stackctl rename-app of dev", "is running: wait for it to finish")

	other := tr.Checkout()
	r = other.Must(1, "apply", "dev", "--unit", "network", "--auto-approve", "--lock-timeout", "0s")
	contains(t, "apply from another checkout", r.Stdout, "the state of network is locked by", "(stackctl rename-app)")

	waiting, wout, werr := other.Command(ctx, "apply", "dev", "--unit", "network", "--auto-approve", "--lock-timeout", "2m", "--stream")
	must(t, waiting.Start())
	waitFor(t, waiting, wout, "is still locked by")
	must(t, os.WriteFile(resume, nil, 0o644))
	if err := surgery.Wait(); err != nil {
		t.Fatalf("the surgery: %v\n%s\n%s", err, out, errOut)
	}
	contains(t, "the surgery", out.String(), "Verified: the plan of network")
	if err := waiting.Wait(); err != nil {
		t.Fatalf("the waiting apply: %v\n%s\n%s", err, wout, werr)
	}
	contains(t, "the waiting apply", wout.String(), "network  succeeded")
}
