package ops

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
)

// guardedModule refuses the name "bad" at plan time, and a size of 10 or
// more in the variable's validation.
const guardedModule = `variable "name" {
  type = string
}
variable "size" {
  type    = number
  default = 1
  validation {
    condition     = var.size < 10
    error_message = "size must be below 10"
  }
}
resource "terraform_data" "this" {
  input = var.name
  lifecycle {
    precondition {
      condition     = var.name != "bad"
      error_message = "the name bad is refused by precondition"
    }
  }
}
`

// failTree: bad fails, after runs after it (order only), lone is on its
// own; hooks write what ran into hooks.log.
func failTree(t *testing.T) *tree {
	tr := newTree(t, map[string]string{
		"stackctl.hcl": "project = \"ops\"\nlive_dir = \"live\"\n" +
			"retry {\n  max_attempts = 2\n  wait = \"10ms\"\n  errors = [\"refused by precondition\"]\n}\n",
		"modules/guarded/main.tf": guardedModule,
		"live/dev/env.hcl":        "vars = {}\n",
		"live/dev/after/unit.hcl": "source = \"../../../modules/guarded\"\ninputs = { name = \"after\" }\ndependencies {\n  paths = [\"../bad\"]\n}\n",
		"live/dev/sized/unit.hcl": "source = \"../../../modules/guarded\"\ninputs = {\n  name = \"sized\"\n  size = 12\n}\n",
	})
	log := tr.path("hooks.log")
	hook := func(kind, name, what string, extra string) string {
		return kind + " \"" + name + "\" {\n  commands = [\"plan\", \"apply\"]\n  execute = [\"sh\", \"-c\", \"echo " + what + " $STACKCTL_ENV $STACKCTL_UNIT $STACKCTL_STEP >> " + log + "\"]\n" + extra + "}\n"
	}
	tr.write("live/dev/bad/unit.hcl", "source = \"../../../modules/guarded\"\ninputs = { name = \"bad\" }\n"+
		hook("error_hook", "explain", "explained", "  on_errors = [\"(?i)refused by\"]\n")+
		hook("error_hook", "other", "unrelated", "  on_errors = [\"quota\"]\n")+
		hook("after_hook", "always", "always", "  run_on_error = true\n")+
		hook("after_hook", "onsuccess", "succeeded", ""))
	tr.write("live/dev/lone/unit.hcl", "source = \"../../../modules/guarded\"\ninputs = { name = \"lone\" }\n"+
		hook("before_hook", "first", "before", "")+hook("after_hook", "then", "after", ""))
	tr.write("live/dev/gate/unit.hcl", "source = \"../../../modules/guarded\"\ninputs = { name = \"gate\" }\n"+
		"before_hook \"gate\" {\n  commands = [\"plan\"]\n  execute = [\"false\"]\n}\n")
	tr.write("live/dev/nohook/unit.hcl", "source = \"../../../modules/guarded\"\ninputs = { name = \"nohook\" }\n"+
		"before_hook \"missing\" {\n  commands = [\"plan\"]\n  execute = [\""+tr.path("no-such-program")+"\"]\n}\n")
	tr.write("live/dev/slow/unit.hcl", "source = \"../../../modules/guarded\"\ninputs = { name = \"slow\" }\n"+
		"before_hook \"sleep\" {\n  commands = [\"plan\"]\n  execute = [\"sleep\", \"60\"]\n}\n")
	return tr
}

// A unit that fails is retried when its failure is a passing one, its
// hooks run as declared, and the units after it are skipped; a unit on
// its own still applies.
func TestFailingUnitSkipsWhatRunsAfterIt(t *testing.T) {
	tr := failTree(t)
	res, rec := tr.run("apply", Apply, "bad", "after", "lone")
	wantStatus(t, res, map[string]Status{"bad": Failed, "after": Skipped, "lone": Succeeded})
	bad := outcome(t, res, "bad")
	var ue *UnitError
	if !errors.As(bad.Err, &ue) || !strings.HasPrefix(ue.Message, "terraform apply failed: ") || !strings.Contains(ue.Message, "Resource precondition failed") {
		t.Errorf("bad: %T %v", bad.Err, bad.Err)
	}
	if len(bad.Warnings) != 1 || !strings.HasPrefix(bad.Warnings[0], "terraform apply was retried after: ") {
		t.Errorf("bad's warnings %q, want its one retry", bad.Warnings)
	}
	if out := rec.output("bad"); !strings.Contains(out, "(attempt 2 of 2)") {
		t.Errorf("the retry is not in bad's output:\n%s", out)
	}
	if tr.state("after") != nil || tr.state("lone") == nil {
		t.Error("after applied, or lone did not")
	}
	logged := tr.read("hooks.log")
	for _, want := range []string{"explained dev bad apply\n", "always dev bad apply\n", "before dev lone apply\n", "after dev lone apply\n"} {
		if strings.Count(logged, want) != 1 {
			t.Errorf("hooks.log has %q %d times, want once:\n%s", want, strings.Count(logged, want), logged)
		}
	}
	for _, never := range []string{"unrelated", "succeeded"} {
		if strings.Contains(logged, never) {
			t.Errorf("a hook that does not apply ran (%s):\n%s", never, logged)
		}
	}
}

// A before_hook that fails, or cannot start, fails its unit before
// terraform runs; a unit with no progress for --stall-timeout is stopped.
func TestHooksAndStallsFailTheUnit(t *testing.T) {
	tr := failTree(t)
	e := tr.load("plan", func(o *Options) { o.StallTimeout = time.Second })
	res, rec := tr.runOn(e, Plan(false), "gate", "nohook", "slow")
	wantStatus(t, res, map[string]Status{"gate": Failed, "nohook": Failed, "slow": Failed})
	if err := outcome(t, res, "gate").Err; err == nil || !strings.Contains(err.Error(), `before_hook "gate" (live/dev/gate/unit.hcl:3:1) failed: exit status 1`) {
		t.Errorf("gate: %v", err)
	}
	if strings.Contains(rec.output("gate"), "Terraform will perform") {
		t.Errorf("gate was planned after its before_hook failed:\n%s", rec.output("gate"))
	}
	if err := outcome(t, res, "nohook").Err; err == nil || !strings.Contains(err.Error(), `before_hook "missing" (live/dev/nohook/unit.hcl:3:1) could not start`) {
		t.Errorf("nohook: %v", err)
	}
	if out := rec.output("slow"); !strings.Contains(out, "stalled: no progress for 1s") || !strings.Contains(out, "stopping it (--stall-timeout)") {
		t.Errorf("slow was not stopped for stalling:\n%s", out)
	}
}

// terraform rejecting an input value points at the stackctl file and line
// that set it.
func TestRejectedInputPointsAtItsLine(t *testing.T) {
	tr := failTree(t)
	res, _ := tr.run("plan", Plan(false), "sized")
	d, ok := IsConfigError(outcome(t, res, "sized").Err)
	if !ok || len(d.Diags) != 1 || d.Diags[0].Subject == nil {
		t.Fatalf("sized: %T %v", outcome(t, res, "sized").Err, outcome(t, res, "sized").Err)
	}
	x := d.Diags[0]
	if !strings.HasSuffix(x.Subject.Filename, "live/dev/sized/unit.hcl") || x.Subject.Start.Line != 4 ||
		!strings.Contains(x.Summary, `input "size" (unit sized)`) || !strings.Contains(x.Detail, "size must be below 10") {
		t.Errorf("diagnostic %s:%d %q %q", x.Subject.Filename, x.Subject.Start.Line, x.Summary, x.Detail)
	}
	if msg := d.Error(); !strings.HasPrefix(msg, "live/dev/sized/unit.hcl:4") || !strings.Contains(msg, `input "size"`) {
		t.Errorf("as one line: %q", msg)
	}
}

// A state locked by another run past --lock-timeout fails the unit naming
// the holder and how to release it.
func TestLockedStateNamesTheHolder(t *testing.T) {
	tr := failTree(t)
	ctx := context.Background()
	if err := os.MkdirAll(tr.path(".stackctl/state/dev/lone"), 0o755); err != nil {
		t.Fatal(err)
	}
	b := local.New(tr.statePath("lone"))
	li := state.NewLockInfo("test holder")
	if err := b.Lock(ctx, li); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Unlock(ctx, li.ID) }()
	e := tr.load("plan", func(o *Options) { o.LockTimeout = "2s" })
	res, _ := tr.runOn(e, Plan(false), "lone")
	err := outcome(t, res, "lone").Err
	for _, want := range []string{"the state of lone is locked by", "gave up after --lock-timeout 2s", "stackctl force-unlock dev --unit lone " + li.ID} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("lone: %v, want %q", err, want)
		}
	}
}

// An exclude block leaves its unit out of the commands it names, unless
// --unit names the unit.
func TestExcludeBlocks(t *testing.T) {
	tr := newTree(t, map[string]string{
		"stackctl.hcl":          "project = \"ops\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/net/unit.hcl": "# no module: the folder is the unit\n",
		"live/dev/cdn/unit.hcl": "exclude {\n  if      = env.name == \"dev\"\n  reason  = \"no CDN in dev\"\n  actions = [\"apply\"]\n}\n",
		"live/dev/off/unit.hcl": "exclude {\n  if = false\n}\n",
	})
	e := tr.load("apply")
	if len(e.Excluded) != 1 || e.Excluded[0].Unit != "cdn" || e.Excluded[0].Reason != "no CDN in dev" || e.Excluded[0].At != "live/dev/cdn/unit.hcl:1:1" {
		t.Errorf("excluded %+v", e.Excluded)
	}
	if e.Selected["cdn"] || !e.Selected["net"] || !e.Selected["off"] {
		t.Errorf("selected %v", e.Selected)
	}
	for name, edit := range map[string]func(*Options){
		"another command": func(o *Options) { o.Command = "plan" },
		"named":           func(o *Options) { o.Units = []string{"cdn/"} },
		"not a run":       func(o *Options) { o.Command = "" },
	} {
		if e := tr.load("apply", edit); !e.Selected["cdn"] || len(e.Excluded) != 0 {
			t.Errorf("%s: cdn excluded (%+v)", name, e.Excluded)
		}
	}
	if e := tr.load("apply", func(o *Options) { o.Units = []string{"c*"} }); e.Selected["cdn"] {
		t.Error("a glob selected an excluded unit")
	}
}
