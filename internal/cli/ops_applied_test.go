package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The commands that read an applied tree and change nothing, on one
// applied tree: what each prints, its exit code, and that the sensitive
// output is masked everywhere it is not asked for.
func TestCommandsOnAnAppliedTree(t *testing.T) {
	dir := appliedTree(t)
	cases := []struct {
		args     []string
		code     int
		out, err []string
		notOut   []string
	}{
		{args: []string{"plan", "dev"}, out: []string{"[net] No changes.", "net   succeeded  0    0       0", "plan dev: 2 succeeded"}},
		// No changes: --detailed-exitcode still exits 0.
		{args: []string{"plan", "dev", "--detailed-exitcode"}, out: []string{"plan dev: 2 succeeded"}},
		// --json: the summary alone on stdout, terraform's output on stderr.
		{args: []string{"plan", "dev", "--json"}, out: []string{`"command": "plan"`, `"has_changes": false`, `"succeeded": 2`}, err: []string{"[net] No changes."}, notOut: []string{"[net]"}},
		{args: []string{"plan", "dev", "--format", "json", "--unit", "app"}, out: []string{`"unit": "app"`}, notOut: []string{`"unit": "net"`}},
		{args: []string{"plan", "dev", "--format", "html"}, code: 1, err: []string{`unknown --format "html"; use text, json or markdown`}},
		{args: []string{"plan", "dev", "--json", "--format", "markdown"}, code: 1, err: []string{"--json and --format markdown"}},
		{args: []string{"plan", "dev", "--parallelism", "0"}, code: 1, err: []string{"--parallelism 0 is out of range"}},
		{args: []string{"plan", "dev", "--lock-timeout", "soon"}, code: 1, err: []string{`--lock-timeout "soon" is not a duration`}},
		{args: []string{"plan", "dev", "--allow-destroy"}, code: 1, err: []string{"give --changed-since too"}},
		{args: []string{"plan", "dev", "--nosuch"}, code: 1, err: []string{"flag provided but not defined: -nosuch; see stackctl plan --help"}},
		{args: []string{"plan", "nope"}, code: 1, err: []string{"nope"}},
		{args: []string{"output", "dev"}, out: []string{"# net\ntoken = <sensitive>\nvalue = \"net()\"", "# app\ntoken = <sensitive>\nvalue = \"app(net())\""}, notOut: []string{secretValue}},
		{args: []string{"output", "dev", "--json", "--unit", "app"}, out: []string{`"value": "app(net())"`, `"sensitive": true`, `"value": "(sensitive value)"`}, notOut: []string{secretValue, `"net"`}},
		{args: []string{"validate", "dev"}, out: []string{"[net] Success! The configuration is valid.", "valid", "validate dev: 2 succeeded"}},
		{args: []string{"validate", "dev", "--", "-no-color"}, code: 1, err: []string{"validate takes no terraform arguments"}},
		{args: []string{"init", "dev", "--unit", "net"}, out: []string{"[net] Terraform has been successfully initialized!", "initialized", "init dev: 1 succeeded"}, notOut: []string{"[app]"}},
		{args: []string{"run", "dev", "--", "state", "list"}, out: []string{"[net] terraform_data.this", "[app] terraform_data.this", "terraform state list", "run dev: 2 succeeded"}},
		// terraform output -raw ends without a newline: the value is still
		// printed (it was lost in the masking writer's buffer).
		{args: []string{"run", "dev", "--unit", "net", "--", "output", "-raw", "value"}, out: []string{"[net] net()\n", "run dev: 1 succeeded"}},
		{args: []string{"run", "dev", "--", "state", "show", "terraform_data.nosuch"}, code: 1, out: []string{"net   failed", "run dev: 1 failed, 1 skipped"}},
		{args: []string{"run", "dev", "--", "apply"}, code: 1, err: []string{"terraform apply changes state or infrastructure", "add --auto-approve"}},
		{args: []string{"run", "dev"}, code: 1, err: []string{`run needs the terraform command after "--": stackctl run dev -- state list`}},
		{args: []string{"state", "list", "dev"}, out: []string{"net: .stackctl/state/dev/net/terraform.tfstate, serial 1, 1 object(s)", "  terraform_data.this  "}},
		{args: []string{"state", "list", "dev", "--json"}, out: []string{`"terraform_data.this"`}},
		{args: []string{"drift", "dev"}, out: []string{"net  no drift", "app  no drift", "0 of 2 units drifted"}, err: []string{"[net] ▶ plan"}},
		{args: []string{"drift", "dev", "--json"}, out: []string{`"env": "dev"`, `"unit": "net"`, `"resources": []`}, notOut: []string{"[net]"}},
		{args: []string{"drift", "dev", "--format", "markdown"}, out: []string{"## Drift: dev", "| `net` | no drift |"}},
		{args: []string{"drift", "dev", "--accept", "--auto-approve", "--unit", "net"}, out: []string{"0 of 1 unit drifted"}, err: []string{"No drift in the selected units of dev: nothing to accept."}},
		{args: []string{"drift", "dev", "--accept", "--json", "--auto-approve", "--unit", "net"}, out: []string{`"unit": "net"`}, err: []string{"nothing to accept"}},
		{args: []string{"drift", "dev", "--accept"}, code: 1, err: []string{"drift --accept needs --auto-approve"}},
		{args: []string{"drift", "dev", "--auto-approve"}, code: 1, err: []string{"--auto-approve goes with --accept"}},
		{args: []string{"drift", "dev", "--format", "html"}, code: 1, err: []string{`--format "html" is not a drift report`}},
		{args: []string{"drift", "dev", "--json", "--format", "markdown"}, code: 1, err: []string{"--json and --format markdown ask for two reports"}},
		{args: []string{"drift", "dev", "--", "-refresh=false"}, code: 1, err: []string{"drift takes no terraform arguments"}},
		{args: []string{"providers", "lock", "dev", "--unit", "net"}, out: []string{"[net] ▶ providers lock", "providers lock dev: 1 succeeded"}, notOut: []string{"[app]"}},
		{args: []string{"providers", "lock", "dev", "--platform", "linux-amd64"}, code: 1, err: []string{`--platform "linux-amd64" is not an OS_ARCH name`}},
		{args: []string{"apply", "dev", "--auto-approve"}, out: []string{"apply dev: 2 succeeded"}},
		{args: []string{"apply", "dev"}, code: 1, err: []string{"apply needs --auto-approve"}},
	}
	for _, c := range cases {
		name := strings.Join(c.args, " ")
		code, out, errOut := runIn(t, dir, c.args...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, code, c.code, out, errOut)
			continue
		}
		has(t, name+": stdout", out, c.out...)
		has(t, name+": stderr", errOut, c.err...)
		hasNot(t, name+": stdout", out, c.notOut...)
		if c.args[0] != "run" {
			hasNot(t, name+": stdout", out, secretValue)
			hasNot(t, name+": stderr", errOut, secretValue)
		}
	}
	// Every unit's full output is logged, where the summary says; the
	// last command was the apply.
	has(t, "net's apply log", readFile(t, filepath.Join(dir, ".stackctl/logs/dev/net/apply.log")), "Apply complete!")
	// No log holds the sensitive output either.
	err := filepath.WalkDir(filepath.Join(dir, ".stackctl/logs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(readFile(t, p), secretValue) {
			t.Errorf("%s holds the secret", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A reviewed apply on a terminal where nothing changes asks nothing; with
// --json it prints the plans' summary.
func TestReviewedApplyWithNothingToDo(t *testing.T) {
	dir := appliedTree(t)
	r := mustRunWith(t, dir, invocation{tty: true}, 0, "apply", "dev")
	has(t, "apply", r.out, "No changes: the selected units of dev match their configuration; nothing to apply.")
	hasNot(t, "apply", r.err, "Enter a value")
	// A tree never applied has nothing to destroy.
	fresh := secretTree(t)
	r = mustRunWith(t, fresh, invocation{tty: true}, 0, "destroy", "dev", "--json", "--unit", "app")
	var sum struct {
		Command string `json:"command"`
		Units   []struct {
			Unit string `json:"unit"`
		} `json:"units"`
	}
	// stdout is the JSON alone (the "No changes" sentence went before it).
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil || sum.Command != "destroy" || len(sum.Units) != 1 || sum.Units[0].Unit != "app" {
		t.Errorf("destroy --json with nothing to destroy: %v %+v\n%s", err, sum, r.out)
	}
	has(t, "destroy --json", r.err, "nothing to destroy")
	if _, err := os.Stat(filepath.Join(fresh, ".stackctl/state/dev/app/terraform.tfstate")); err == nil {
		t.Errorf("destroy with nothing to destroy wrote app's state")
	}
}
