package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// state mv within a unit whose configuration still has the old address:
// the dry run writes nothing, the real one is verified, refused and
// rolled back; --json keeps stdout to the JSON.
func TestStateMvVerifiedAndRolledBack(t *testing.T) {
	dir := appliedTree(t)
	before := readFile(t, filepath.Join(dir, ".stackctl/state/dev/net/terraform.tfstate"))
	r := mustRun(t, dir, 0, "state", "mv", "dev", "net:terraform_data.this", "net:terraform_data.that", "--dry-run")
	has(t, "state mv --dry-run", r.out, "state mv dev (dry run)", "Moves net:terraform_data.this to net:terraform_data.that (1 object(s), ID",
		"serial 1 → 2", "Dry run: nothing was locked or changed.")
	r = mustRun(t, dir, 0, "state", "mv", "dev", "net:terraform_data.this", "net:terraform_data.that", "--dry-run", "--json")
	var rep struct {
		Operation string `json:"operation"`
		DryRun    bool   `json:"dry_run"`
		Moved     struct {
			From, To string
		} `json:"moved"`
	}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil || rep.Operation != "state mv" || !rep.DryRun || rep.Moved.To != "net:terraform_data.that" {
		t.Errorf("state mv --dry-run --json: %v %+v\n%s", err, rep, r.out)
	}
	if got := readFile(t, filepath.Join(dir, ".stackctl/state/dev/net/terraform.tfstate")); got != before {
		t.Fatal("a dry run wrote net's state")
	}

	r = mustRun(t, dir, 1, "state", "mv", "dev", "net:terraform_data.this", "net:terraform_data.that", "--auto-approve")
	has(t, "state mv refused by its plan", r.err, "verification failed", "net: terraform_data.this would be created again",
		"Rolled back: every state and file is as it was", "The verification plans' output is in .stackctl/logs/dev/<unit>/state-mv-verify.log.")
	r = mustRun(t, dir, 0, "state", "list", "dev", "--unit", "net")
	has(t, "net after the rollback", r.out, "terraform_data.this")
	hasNot(t, "net after the rollback", r.out, "terraform_data.that")

	r = mustRun(t, dir, 1, "state", "mv", "dev", "net:terraform_data.this", "net:terraform_data.that")
	has(t, "state mv without a terminal", r.err, "state mv needs --auto-approve")
	r = mustRun(t, dir, 1, "state", "mv", "dev", "net:terraform_data.this", "net:terraform_data.that", "--dry-run", "--parallelism", "0")
	has(t, "state mv --parallelism 0", r.err, "--parallelism 0 is out of range")
}

// mv-unit answered no changes nothing; answered yes, the folder, its
// state and its dependent's path move together, verified by plans.
func TestMvUnit(t *testing.T) {
	dir := appliedTree(t)
	tty := func(typed string) invocation { return invocation{tty: true, stdin: typed} }
	r := mustRunWith(t, dir, tty("no\n"), 1, "mv-unit", "dev", "net", "core/net")
	has(t, "mv-unit answered no", r.err, "Do you want to run this mv-unit in dev? It locks and rewrites the state of core/net, net (each backed up first), writes 2 file(s), moves 1 folder(s)", "mv-unit cancelled")
	if _, err := os.Stat(filepath.Join(dir, "live/dev/net/unit.hcl")); err != nil {
		t.Fatalf("a cancelled mv-unit moved net: %v", err)
	}
	r = mustRunWith(t, dir, tty("yes\n"), 0, "mv-unit", "dev", "net", "core/net")
	has(t, "mv-unit", r.out, "live/dev/net → live/dev/core/net", "live/dev/app/unit.hcl:3:19  ../net → ../core/net",
		"Verified: the plan of core/net: no changes.", "Verified: the plan of app: no changes.", "Deleted the old state of net")
	has(t, "app's unit.hcl", readFile(t, filepath.Join(dir, "live/dev/app/unit.hcl")), `path         = "../core/net"`)
	if _, err := os.Stat(filepath.Join(dir, ".stackctl/state/dev/net/terraform.tfstate")); err == nil {
		t.Error("net's old state is still there")
	}
	r = mustRun(t, dir, 0, "state", "list", "dev")
	has(t, "state list after mv-unit", r.out, "core/net: .stackctl/state/dev/core/net/terraform.tfstate")
	mustRun(t, dir, 0, "plan", "dev", "--detailed-exitcode")

	r = mustRun(t, dir, 1, "mv-unit", "dev", "app")
	has(t, "mv-unit with one path", r.err, "mv-unit needs ENV OLD_PATH NEW_PATH")
}

// rename-app rewrites state and unit.hcl; restore brings back the backup
// it made, and backups lists it.
func TestRenameAppThenRestore(t *testing.T) {
	dir := appliedTree(t)
	r := mustRun(t, dir, 0, "rename-app", "dev", "--from", "app", "--to", "web", "--dry-run")
	has(t, "rename-app --dry-run", r.out, `app  terraform_data.this  input.value.name   "app" → "web"`, "live/dev/app/unit.hcl:6:20  app → web", "Dry run")
	r = mustRun(t, dir, 0, "rename-app", "dev", "--from", "app", "--to", "web", "--auto-approve", "--allow-update")
	has(t, "rename-app", r.out, "Verified: the plan of app: no changes.", "Changed 1 file(s): live/dev/app/unit.hcl.")
	has(t, "app's unit.hcl", readFile(t, filepath.Join(dir, "live/dev/app/unit.hcl")), `name = "web"`)
	r = mustRun(t, dir, 0, "output", "dev", "--unit", "app")
	has(t, "app's outputs after rename-app", r.out, `value = "web(net())"`)

	r = mustRun(t, dir, 0, "state", "backups", "dev", "--unit", "app")
	has(t, "state backups", r.out, "app: 1 backup(s) in .stackctl/backups/dev/app", "serial 1  stackctl rename-app")
	name := regexp.MustCompile(`\S+-serial-1\.tfstate`).FindString(r.out)
	r = mustRun(t, dir, 0, "state", "backups", "dev", "--unit", "app", "--json")
	has(t, "state backups --json", r.out, name)

	r = mustRun(t, dir, 1, "state", "restore", "dev", "--unit", "app", "nosuch.tfstate", "--auto-approve")
	has(t, "restore of a missing backup", r.err, `no backup "nosuch.tfstate"`)
	r = mustRun(t, dir, 1, "state", "restore", "dev", "--unit", "*", "latest", "--auto-approve")
	has(t, "restore of a glob", r.err, "state restore works on one unit: name it with --unit UNIT")
	r = mustRun(t, dir, 1, "state", "restore", "dev", "--unit", "app")
	has(t, "restore without a backup name", r.err, "state restore needs ENV --unit UNIT BACKUP")
	r = mustRun(t, dir, 0, "state", "restore", "dev", "--unit", "app", name, "--auto-approve")
	has(t, "restore", r.out, "restores "+name, "Wrote the state of app (serial 3)")
	has(t, "app's state after restore", readFile(t, filepath.Join(dir, ".stackctl/state/dev/app/terraform.tfstate")), `"app(net())"`)

	r = mustRun(t, dir, 0, "state", "restore", "dev", "--unit", "app", "latest", "--auto-approve", "--json")
	if !json.Valid([]byte(r.out)) || !strings.Contains(r.out, `"operation": "state restore"`) {
		t.Errorf("restore --json: stdout is not the report alone:\n%s", r.out)
	}
	has(t, "restore --json", r.err, "Locked the state of app.")

	r = mustRun(t, dir, 1, "rename-app", "dev", "--from", "app")
	has(t, "rename-app without --to", r.err, "rename-app needs --from OLD and --to NEW")
	r = mustRun(t, dir, 1, "rename-app", "dev", "--from", "nosuchname", "--to", "other", "--auto-approve")
	has(t, "rename-app of a name nowhere", r.err, `"nosuchname" was not found`, "nothing to rename")
}

// An errored state kept for net: plan warns, apply without a terminal
// refuses naming the push command, apply --auto-approve pushes it first.
func TestErroredStateIsPushedBeforeApply(t *testing.T) {
	dir := appliedTree(t)
	var st map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, ".stackctl/state/dev/net/terraform.tfstate"))), &st); err != nil {
		t.Fatal(err)
	}
	st["serial"] = st["serial"].(float64) + 1
	b, _ := json.Marshal(st)
	kept := filepath.Join(dir, ".stackctl/errored/dev/net/20261202T000000.000000000Z.tfstate")
	if err := os.MkdirAll(filepath.Dir(kept), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kept, b, 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, dir, 0, "plan", "dev", "--unit", "net")
	has(t, "plan with an errored state", r.err, "terraform could not save the state of net (it is kept in .stackctl/errored/dev/net/20261202T000000.000000000Z.tfstate, serial 2, 1 resource instance(s))",
		"the stored state of net lacks it until it is pushed: stackctl state push-errored dev --unit net")
	r = mustRun(t, dir, 1, "apply", "dev", "--unit", "net", "--auto-approve", "--unit", "app", "--parallelism", "0")
	has(t, "a refused apply", r.err, "--parallelism 0")
	r = mustRunWith(t, dir, invocation{tty: true, stdin: "no\n"}, 1, "apply", "dev")
	has(t, "apply answered no to the push", r.err, "Push it now", "not pushed: push it before applying net: stackctl state push-errored dev --unit net")
	r = mustRun(t, dir, 1, "state", "push-errored", "dev", "--unit", "net")
	has(t, "push-errored without a terminal", r.err, "needs --auto-approve")
	r = mustRun(t, dir, 0, "apply", "dev", "--auto-approve")
	has(t, "apply --auto-approve with an errored state", r.err, "terraform could not save the state of net", "Wrote the state of net (serial 3)",
		"Verified: the plan of net: no changes.", "the previous one is backed up in .stackctl/backups/dev/net/")
	has(t, "apply --auto-approve with an errored state", r.out, "apply dev: 2 succeeded")
	var after struct {
		Serial float64 `json:"serial"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, ".stackctl/state/dev/net/terraform.tfstate"))), &after); err != nil || after.Serial < 3 {
		t.Errorf("net's state after the push: %v serial %v", err, after.Serial)
	}
	r = mustRun(t, dir, 1, "state", "push-errored", "dev", "--unit", "app", "--auto-approve")
	has(t, "push-errored with nothing kept", r.err, "no errored state is kept for app")
}

// state mv --write-moved within a unit writes terraform's moved block and
// no state; once the resource block is renamed, the next apply moves the
// object and creates and destroys nothing.
func TestStateMvWriteMovedWithinAUnit(t *testing.T) {
	dir := appliedTree(t)
	statePath := filepath.Join(dir, ".stackctl/state/dev/net/terraform.tfstate")
	before := readFile(t, statePath)
	r := mustRun(t, dir, 0, "state", "mv", "dev", "net:terraform_data.this", "net:terraform_data.that", "--write-moved", "--auto-approve")
	has(t, "state mv --write-moved", r.out, "live/dev/net/stackctl_moved.tf", "moves terraform_data.this to terraform_data.that in net (moved block)")
	has(t, "stackctl_moved.tf", readFile(t, filepath.Join(dir, "live/dev/net/stackctl_moved.tf")),
		"moved {\n  from = terraform_data.this\n  to   = terraform_data.that\n}\n")
	if readFile(t, statePath) != before {
		t.Fatal("--write-moved wrote net's state")
	}
	module := filepath.Join(dir, "modules/step/main.tf")
	renamed := strings.Replace(readFile(t, module), `resource "terraform_data" "this"`, `resource "terraform_data" "that"`, 1)
	if err := os.WriteFile(module, []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, dir, 0, "apply", "dev", "--unit", "net", "--auto-approve")
	has(t, "apply after the rename", r.out, "terraform_data.this has moved to terraform_data.that", "0 added, 0 changed, 0 destroyed")
	r = mustRun(t, dir, 0, "state", "list", "dev", "--unit", "net")
	has(t, "net after the apply", r.out, "terraform_data.that")
	hasNot(t, "net after the apply", r.out, "terraform_data.this")
}
