package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, dir, rel, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// force-unlock of a lock left behind on a local state: a wrong ID and a
// selection of two units are refused; the right ID, answered yes on a
// terminal, removes the lock info.
func TestForceUnlockALocalLock(t *testing.T) {
	dir := appliedTree(t)
	info := ".stackctl/state/dev/net/.terraform.tfstate.lock.info"
	writeFile(t, dir, info, `{"ID":"lock-123","Operation":"OperationTypeApply","Info":"","Who":"someone@host","Version":"1.11.4","Created":"2026-12-01T10:00:00Z","Path":"x"}`)
	r := mustRun(t, dir, 1, "force-unlock", "dev", "--unit", "net", "other", "--auto-approve")
	has(t, "force-unlock with a wrong ID", r.err, "the state of net is locked by someone@host since 2026-12-01T10:00:00Z (apply, terraform 1.11.4), lock ID lock-123, not by lock other: check the ID")
	r = mustRun(t, dir, 1, "force-unlock", "dev", "lock-123", "--auto-approve")
	has(t, "force-unlock of two units", r.err, "force-unlock releases the lock of one unit; name it with --unit (the selection holds 2: net, app)")
	r = mustRunWith(t, dir, invocation{tty: true, stdin: "no\n"}, 1, "force-unlock", "dev", "--unit", "net", "lock-123")
	has(t, "force-unlock answered no", r.err, "Release it? If that run is still going, its state may be corrupted.", "force-unlock cancelled")
	if _, err := os.Stat(filepath.Join(dir, info)); err != nil {
		t.Fatalf("a cancelled force-unlock released the lock: %v", err)
	}
	r = mustRunWith(t, dir, invocation{tty: true, stdin: "yes\n"}, 0, "force-unlock", "dev", "--unit", "net", "lock-123")
	has(t, "force-unlock", r.out, "Released lock lock-123 of net")
	if _, err := os.Stat(filepath.Join(dir, info)); err == nil {
		t.Error("the lock info is still there")
	}
}

// An interrupted state transaction (its journal left behind): a command
// that only reads warns and goes on; one that writes, without a terminal,
// refuses; with --auto-approve it is rolled back first.
func TestInterruptedTransactionIsSettled(t *testing.T) {
	dir := appliedTree(t)
	journal := ".stackctl/backups/dev/.journal/20261201T000000Z-1/journal.json"
	writeFile(t, dir, journal, `{"version":1,"operation":"state mv","env":"dev","command":"stackctl state mv dev a b","phase":"prepared","pid":999999,"who":"someone","started":"2026-12-01T10:00:00Z","states":[]}`)
	const found = "an interrupted stackctl state mv of dev"
	r := mustRun(t, dir, 0, "plan", "dev", "--unit", "net")
	has(t, "plan with a journal", r.err, found, "had not been verified: recovering rolls it back",
		"warning: what it wrote is left as it is until then: run `stackctl state recover dev --auto-approve`")
	r = mustRun(t, dir, 1, "apply", "dev", "--unit", "net", "--parallelism", "1", "--stream")
	has(t, "apply", r.err, "apply needs --auto-approve")
	r = mustRun(t, dir, 1, "state", "recover", "dev")
	has(t, "state recover without a terminal", r.err, found, "it must be settled first, and no terminal is attached to ask")
	r = mustRunWith(t, dir, invocation{tty: true, stdin: "no\n"}, 1, "state", "recover", "dev")
	has(t, "state recover answered no", r.err, "Recover it now?", "not recovered: it must be settled before this command runs")
	r = mustRun(t, dir, 1, "state", "recover")
	has(t, "state recover without ENV", r.err, "state recover needs ENV")

	r = mustRun(t, dir, 0, "apply", "dev", "--unit", "net", "--auto-approve")
	has(t, "apply --auto-approve with a journal", r.err, found, "rolled back the interrupted state mv of dev")
	if _, err := os.Stat(filepath.Join(dir, journal)); err == nil {
		t.Error("the journal is still there after the rollback")
	}
	r = mustRun(t, dir, 0, "state", "recover", "dev")
	has(t, "state recover after", r.out, "No interrupted state transaction in dev: nothing to recover.")
}

// A configuration error is printed with its file:line:col and snippet,
// in the summary of the unit it belongs to; on GitHub Actions it is also
// an annotation on that file and line, relative to the workspace.
func TestConfigurationErrors(t *testing.T) {
	dir := twoUnitTree(t)
	writeFile(t, dir, "live/dev/app/unit.hcl", "source = \"../../../modules/step\"\ninputs = {\n  name = nosuch.value\n}\n")
	gh := invocation{env: map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": dir}}
	r := mustRunWith(t, dir, gh, 1, "plan", "dev", "--unit", "app")
	has(t, "plan of a unit with an unknown variable", r.out, "app   failed", "Error: Unknown variable", "--> live/dev/app/unit.hcl:3:10", `There is no variable named "nosuch".`)
	has(t, "plan of a unit with an unknown variable", r.err, `::error file=live/dev/app/unit.hcl,line=3,col=10,endLine=3,endColumn=16,title=stackctl%3A Unknown variable::Unknown variable: There is no variable named "nosuch".`)
	r = mustRun(t, dir, 1, "render", "dev", "--unit", "app")
	has(t, "render", r.err, "--> live/dev/app/unit.hcl:3:10")
	hasNot(t, "render off GitHub Actions", r.err, "::error")

	// An error in stackctl.hcl stops every command before any unit.
	writeFile(t, dir, "stackctl.hcl", "project = \"cli\"\nlive_dir = \"live\"\nnosuch {\n")
	for _, args := range [][]string{{"plan", "dev"}, {"list", "dev"}, {"ci", "init", "github"}} {
		r = mustRunWith(t, dir, gh, 1, args...)
		has(t, args[0]+" with a broken stackctl.hcl", r.err, "stackctl.hcl:3", "::error file=stackctl.hcl,line=3")
		hasNot(t, args[0]+" with a broken stackctl.hcl", r.out, "succeeded")
	}
}

// ci init writes the workflows at the top of the git repository, leaves
// them alone on a second run unless --force, and refuses what it cannot
// write.
func TestCIInit(t *testing.T) {
	dir := twoUnitTree(t)
	r := mustRun(t, dir, 0, "ci", "init", "github")
	has(t, "ci init outside git", r.err, "is not in a git repository; writing the workflows under it")
	gitTree(t, dir)
	if err := os.RemoveAll(filepath.Join(dir, ".github")); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, dir, 0, "ci", "init", "github", "--wave-jobs", "4", "--branch", "trunk")
	for _, f := range []string{"stackctl-test.yml", "stackctl-plan.yml", "stackctl-apply.yml", "stackctl-drift.yml", "stackctl-apply-env.yml"} {
		has(t, "ci init", r.out, "wrote .github/workflows/"+f)
		if _, err := os.Stat(filepath.Join(dir, ".github/workflows", f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	has(t, "ci init", r.out, "Environments, in promotion order: dev.")
	has(t, "the plan workflow", readFile(t, filepath.Join(dir, ".github/workflows/stackctl-plan.yml")), "trunk")
	r = mustRun(t, dir, 1, "ci", "init", "github")
	has(t, "ci init over existing files", r.err, "stackctl-test.yml")
	mustRun(t, dir, 0, "ci", "init", "github", "--force")
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"ci", "init"}, "ci init needs the CI system to write for: stackctl ci init github"},
		{[]string{"ci", "init", "gitlab"}, `ci init writes workflows for github only, not "gitlab"`},
		{[]string{"ci", "init", "github", "extra"}, "unexpected arguments extra"},
		{[]string{"ci", "init", "github", "--wave-jobs", "65"}, "--wave-jobs 65 is out of range"},
	} {
		r = mustRun(t, dir, 1, bad.args...)
		has(t, bad.want, r.err, bad.want)
	}
}

// The completion scripts, the completion helper's candidates, the help
// and the refusal of an unknown command or shell.
func TestCompletionAndHelp(t *testing.T) {
	dir := twoUnitTree(t)
	cases := []struct {
		args []string
		code int
		out  []string
		err  []string
	}{
		{args: []string{"completion", "zsh"}, out: []string{"#compdef stackctl", `stackctl __complete "${(@)words[2,$CURRENT]}"`, "compdef _stackctl stackctl"}},
		{args: []string{"completion", "fish"}, out: []string{"complete -c stackctl -f -a '(stackctl __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'"}},
		{args: []string{"completion", "pwsh"}, code: 1, err: []string{`completion for "pwsh" is not available; the supported shells are bash, zsh and fish`}},
		{args: []string{"__complete", ""}, out: []string{"list\ngraph\nrender\ninit\n", "providers\nconvert\ncompletion\n"}},
		{args: []string{"__complete", "ci", ""}, out: []string{"matrix\ninit\n"}},
		{args: []string{"__complete", "ci", "matrix", ""}, out: []string{"dev\n"}},
		{args: []string{"__complete", "plan", "--"}, out: []string{"--detailed-exitcode\n", "--out\n", "--changed-since\n"}},
		{args: []string{"__complete", "nosuch", ""}},
		{args: []string{"nosuch"}, code: 1, err: []string{`unknown command "nosuch"; stackctl --help lists the commands`}},
		{args: []string{"help", "plan"}, out: []string{"stackctl plan - plan every unit, in dependency order", "--detailed-exitcode"}},
		{args: []string{"help"}, out: []string{"orchestrate Terraform across an environment's units"}},
		{args: []string{}, out: []string{"orchestrate Terraform across an environment's units"}},
	}
	for _, c := range cases {
		r := mustRun(t, dir, c.code, c.args...)
		has(t, "stdout", r.out, c.out...)
		has(t, "stderr", r.err, c.err...)
	}
}
