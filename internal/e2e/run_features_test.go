package e2e

import (
	"slices"
	"strings"
	"testing"
)

// A secret that reached a module through a sensitive dependency output
// stays masked in `output` even when the module's own output is not
// declared sensitive, and passing it into a variable the module does not
// declare sensitive is warned about, naming both.
func TestSensitiveValuesStayMaskedInOutput(t *testing.T) {
	t.Parallel()
	files := chain()
	files["modules/echo/main.tf"] = `
variable "password" {
  type = string
}
output "echo" {
  value = "pw=${var.password}"
}
`
	files["live/dev/echo/unit.hcl"] = `source = "../../../modules/echo"
dependency "network" {
  path = "../network"
}
inputs = {
  password = dependency.network.outputs.token
}
`
	tr := newTree(t, files)
	tr.Must(0, "apply", "dev", "--unit", "network", "--auto-approve")
	r := tr.Must(0, "apply", "dev", "--unit", "echo", "--auto-approve")
	contains(t, "apply summary", r.Stdout, `Warning: input "password"`, "live/dev/echo/unit.hcl:6", `variable "password" is not declared sensitive = true`)
	for _, args := range [][]string{{"output", "dev", "-u", "echo"}, {"output", "dev", "-u", "echo", "--json"}, {"output", "dev", "--json"}} {
		r := tr.Must(0, args...)
		if strings.Contains(r.Stdout, "token-of-network") {
			t.Errorf("%v shows the secret:\n%s", args, r.Stdout)
		}
	}
	r = tr.Must(0, "output", "dev", "-u", "echo", "--json", "--show-sensitive")
	contains(t, "output --show-sensitive", r.Stdout, "pw=token-of-network")
}

// `stackctl run` runs any terraform command across units in order; one
// that writes state needs --auto-approve.
func TestRunAnyTerraformCommand(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	tr.Must(0, "apply", "dev", "--auto-approve")
	r := tr.Must(0, "run", "dev", "--", "state", "list")
	contains(t, "state list", r.Stdout, "[network] terraform_data.this", "[service] terraform_data.this", "run dev: 4 succeeded")
	text, code := onTerminal(t, tr, "", "run dev -u network --no-color -- state list")
	if code != 0 {
		t.Fatalf("run on a terminal: exit %d\n%s", code, text)
	}
	contains(t, "run on a terminal", text, "── network run ──", "terraform_data.this")
	r = tr.Must(1, "run", "dev", "-u", "network", "--", "state", "rm", "terraform_data.this")
	contains(t, "state rm", r.Stderr, "add --auto-approve", "terraform state rm terraform_data.this changes state")
	r = tr.Must(0, "run", "dev", "-u", "network", "--auto-approve", "--", "state", "rm", "terraform_data.this")
	r = tr.Must(0, "run", "dev", "-u", "network", "--", "state", "list")
	if strings.Contains(r.Stdout, "terraform_data.this") {
		t.Errorf("state rm did not remove it:\n%s", r.Stdout)
	}
	r = tr.Must(1, "run", "dev")
	contains(t, "no command", r.Stderr, `run needs the terraform command after "--"`)
}

// exclude leaves a unit out of multi-unit runs, saying why, unless --unit
// names it; destroy refuses a unit with prevent_destroy, naming it.
func TestExcludeAndPreventDestroy(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/monitoring/unit.hcl"] = `source = "../../../modules/step"
dependency "network" {
  path = "../network"
}
inputs = { name = "monitoring", upstream = dependency.network.outputs.value }
exclude {
  if     = env.name == "dev"
  reason = "no monitoring in dev"
}
`
	files["live/dev/network/unit.hcl"] = `source = "../../../modules/step"
inputs = { name = "network" }
prevent_destroy = true
`
	tr := newTree(t, files)
	r := tr.Must(0, "apply", "dev", "--auto-approve")
	contains(t, "apply", r.Stderr, "leaving out monitoring: no monitoring in dev", "name it with --unit monitoring")
	contains(t, "apply", r.Stdout, "apply dev: 3 succeeded")
	r = tr.Must(0, "list", "dev")
	contains(t, "list", r.Stdout, "monitoring")
	r = tr.Must(0, "apply", "dev", "-u", "monitoring", "--auto-approve")
	contains(t, "apply -u monitoring", r.Stdout, "apply dev: 1 succeeded")
	r = tr.Must(1, "destroy", "dev", "--auto-approve")
	contains(t, "destroy", r.Stderr, "destroy refuses units that set prevent_destroy = true: network (prevent_destroy at live/dev/network/unit.hcl:3")
	if got := lines(tr.Read("order.log")); slices.Contains(got, "destroy network") || slices.Contains(got, "destroy service") {
		t.Errorf("a refused destroy destroyed something: %q", got)
	}
	tr.Must(0, "destroy", "dev", "-u", "service", "--auto-approve")
}

// Hooks run around terraform steps in the unit's working folder with its
// environment, their output in the unit's log; a failing before_hook
// fails the unit (and its step does not run); an error_hook answers a
// failure; after_hook with run_on_error runs after one too.
func TestHooks(t *testing.T) {
	t.Parallel()
	files := chain()
	files["stackctl.hcl"] = rootFile + `
before_hook "mark" {
  commands = ["plan", "apply"]
  execute  = ["sh", "-c", "echo before $STACKCTL_STEP $STACKCTL_UNIT in $(basename $(dirname $PWD)) >> @ROOT@/hooks.log"]
}
`
	files["live/dev/service/unit.hcl"] = `source = "../../../modules/step"
dependency "db" {
  path = "../database"
}
inputs = { name = "service", upstream = dependency.db.outputs.value, fail = true }
error_hook "on-fail" {
  commands  = ["apply"]
  execute   = ["sh", "-c", "echo error hook for $STACKCTL_UNIT >> @ROOT@/hooks.log"]
  on_errors = ["failing on purpose"]
}
after_hook "always" {
  commands     = ["apply"]
  execute      = ["sh", "-c", "echo after $STACKCTL_UNIT >> @ROOT@/hooks.log"]
  run_on_error = true
}
`
	files["live/dev/monitoring/unit.hcl"] = `source = "../../../modules/step"
dependency "network" {
  path = "../network"
}
inputs = { name = "monitoring", upstream = dependency.network.outputs.value }
before_hook "lint" {
  commands = ["apply"]
  execute  = ["sh", "-c", "echo 'lint: 2 problems'; exit 3"]
}
`
	tr := newTree(t, files)
	r := tr.Must(1, "apply", "dev", "--auto-approve", "--json")
	got := tr.Read("hooks.log")
	for _, want := range []string{"before apply network in network", "before apply database in database", "error hook for service", "after service"} {
		if !strings.Contains(got, want) {
			t.Errorf("hooks.log lacks %q:\n%s", want, got)
		}
	}
	contains(t, "summary", r.Stdout, `before_hook \"lint\" (live/dev/monitoring/unit.hcl:6`, "failed: exit status 3")
	if slices.Contains(lines(tr.Read("order.log")), "create monitoring") {
		t.Error("monitoring applied although its before_hook failed")
	}
	contains(t, "monitoring's log", tr.Read(".stackctl/logs/dev/monitoring/apply.log"), "lint: 2 problems", `stackctl: before_hook "lint" before terraform apply`)
}

// A secret with spaces, quoted in an error that terraform wraps across
// lines inside its box, is masked in the stream, the log and the summary.
func TestWrappedSecretIsMasked(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"stackctl.hcl":        "project = \"e2e\"\nlive_dir = \"live\"\n",
		"modules/src/main.tf": "output \"phrase\" {\n  value     = \"correct horse battery staple of many words\"\n  sensitive = true\n}\n",
		"modules/use/main.tf": `variable "phrase" {
  type = string
  validation {
    condition     = length(var.phrase) < 10
    error_message = "The value given for the phrase, which was ${var.phrase}, is far too long to be accepted here."
  }
}
`,
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/src/unit.hcl": "source = \"../../../modules/src\"\n",
		"live/dev/use/unit.hcl": "source = \"../../../modules/use\"\ndependency \"src\" {\n  path = \"../src\"\n}\ninputs = { phrase = dependency.src.outputs.phrase }\n",
	}
	tr := newTree(t, files)
	tr.Must(0, "apply", "dev", "-u", "src", "--auto-approve")
	r := tr.Must(1, "plan", "dev", "-u", "use", "--stream")
	j := tr.Must(1, "plan", "dev", "-u", "use", "--json")
	log := tr.Read(".stackctl/logs/dev/use/plan.log")
	for what, text := range map[string]string{"stream": r.Stdout + r.Stderr, "json": j.Stdout + j.Stderr, "log": log} {
		for _, part := range []string{"horse battery", "correct horse", "staple of", "many words"} {
			if strings.Contains(text, part) {
				t.Errorf("%s shows %q:\n%s", what, part, text)
			}
		}
	}
	contains(t, "stream", r.Stdout, "is far too long", "(sensitive value)")
}
