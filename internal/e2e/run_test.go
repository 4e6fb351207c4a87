package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestListAndGraph(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	r := tr.Must(0, "list", "dev")
	if got, want := lines(r.Stdout), []string{"network", "database", "monitoring", "service"}; !slices.Equal(got, want) {
		t.Fatalf("list: got %q, want %q", got, want)
	}
	r = tr.Must(0, "graph", "dev", "--format", "mermaid")
	contains(t, "mermaid graph", r.Stdout, "graph RL", `n0["network"]`, "n1 --> n0")
	r = tr.Must(0, "graph", "dev", "--format", "json")
	var g struct {
		Units []struct {
			Path         string   `json:"path"`
			Dependencies []string `json:"dependencies"`
		} `json:"units"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &g); err != nil {
		t.Fatalf("graph json: %v\n%s", err, r.Stdout)
	}
	if len(g.Units) != 4 || g.Units[3].Path != "service" || !slices.Equal(g.Units[3].Dependencies, []string{"database"}) {
		t.Fatalf("graph json: %+v", g)
	}
	r = tr.Must(0, "graph", "dev")
	contains(t, "dot graph", r.Stdout, "digraph units", `"service" -> "database";`)
	// Flags go before or after ENV.
	r = tr.Must(0, "list", "--unit", "service", "dev")
	if got := lines(r.Stdout); !slices.Equal(got, []string{"service"}) {
		t.Errorf("list --unit service dev: %q", got)
	}
}

func TestApplyPlanOutputDestroy(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())

	// Without a terminal and without --auto-approve, apply refuses.
	r := tr.Must(1, "apply", "dev")
	contains(t, "stderr", r.Stderr, "needs --auto-approve")

	r = tr.Must(0, "apply", "dev", "--auto-approve", "--parallelism", "2")
	contains(t, "apply summary", r.Stdout, "apply dev: 4 succeeded")
	order := lines(tr.Read("order.log"))
	before := func(a, b string) {
		t.Helper()
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 || ib < 0 || ia > ib {
			t.Errorf("want %q before %q in %q", a, b, order)
		}
	}
	before("create network", "create database")
	before("create database", "create service")
	before("create network", "create monitoring")

	// Outputs flow through two levels of dependencies, read from state.
	r = tr.Must(0, "output", "dev", "--unit", "service", "--json")
	var outs map[string]struct {
		Sensitive bool            `json:"sensitive"`
		Type      json.RawMessage `json:"type"`
		Value     json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &outs); err != nil {
		t.Fatalf("output json: %v\n%s", err, r.Stdout)
	}
	if got := string(outs["value"].Value); got != `"service(database(network()))"` {
		t.Errorf("service value = %s", got)
	}
	if !outs["token"].Sensitive || strings.Contains(r.Stdout, "token-of-service") {
		t.Errorf("sensitive output not masked: %s", r.Stdout)
	}

	// For one unit the document is terraform's own `output -json`, byte for
	// byte when nothing is sensitive.
	r = tr.Must(0, "output", "dev", "--unit", "service", "--json", "--show-sensitive")
	tf := exec.Command("terraform", "output", "-json")
	tf.Dir = tr.Path(".stackctl/cache/dev/service/src")
	tf.Env = append(tr.Env, "TF_CLI_CONFIG_FILE="+tr.Path(".stackctl/cache/terraform.tfrc"))
	want, err := tf.Output()
	if err != nil {
		t.Fatalf("terraform output: %v", err)
	}
	if r.Stdout != string(want) {
		t.Errorf("output --json differs from terraform output -json:\nstackctl:\n%s\nterraform:\n%s", r.Stdout, want)
	}

	// Several units: an object keyed by unit path.
	r = tr.Must(0, "output", "dev", "--json")
	var all map[string]map[string]struct {
		Sensitive bool            `json:"sensitive"`
		Value     json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil || len(all) != 4 {
		t.Fatalf("output of all units: %v\n%s", err, r.Stdout)
	}
	for unit, outs := range all {
		// Every unit's token is sensitive: present, marked and masked.
		tok, ok := outs["token"]
		if !ok || !tok.Sensitive || string(tok.Value) == `"token-of-`+unit+`"` {
			t.Errorf("output --json of several units: %s token = {sensitive: %t, value: %s}, want it sensitive and masked", unit, tok.Sensitive, tok.Value)
		}
		if got := string(outs["value"].Value); !strings.HasPrefix(got, `"`+unit+`(`) {
			t.Errorf("output --json of several units: %s value = %s", unit, got)
		}
	}
	if strings.Contains(r.Stdout, "token-of-") {
		t.Errorf("output --json of several units prints a sensitive value:\n%s", r.Stdout)
	}

	// Text mode masks it too, for one unit and for several; --show-sensitive
	// is what prints it.
	for _, args := range [][]string{{"output", "dev", "--unit", "service"}, {"output", "dev"}} {
		r = tr.Must(0, args...)
		contains(t, strings.Join(args, " "), r.Stdout, "token = <sensitive>", `value = "service(database(network()))"`)
		if strings.Contains(r.Stdout, "token-of-") {
			t.Errorf("%s prints a sensitive value:\n%s", strings.Join(args, " "), r.Stdout)
		}
	}
	r = tr.Must(0, "output", "dev", "--unit", "service", "--show-sensitive")
	contains(t, "output --show-sensitive", r.Stdout, `token = "token-of-service"`)

	// A second plan is a no-op and starts no init.
	r = tr.Must(0, "plan", "dev", "--detailed-exitcode")
	contains(t, "no-op plan", r.Stdout, "no changes")
	if strings.Contains(r.Stdout, "▶ init") {
		t.Errorf("no-op plan ran terraform init again:\n%s", r.Stdout)
	}

	// Changing an input is a change: exit 2, with the counts.
	tr.Write(map[string]string{"live/dev/network/unit.hcl": `source = "../../../modules/step"
inputs = { name = "network", sleep = 0, upstream = "edited" }
`})
	r = tr.Must(2, "plan", "dev", "--detailed-exitcode", "--json")
	var sum struct {
		Changes bool `json:"changes"`
		Units   []struct {
			Unit    string `json:"unit"`
			Result  string `json:"result"`
			Changes *struct {
				Add, Change, Destroy int
			} `json:"changes"`
		} `json:"units"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, r.Stdout)
	}
	if len(sum.Units) != 4 {
		t.Fatalf("plan summary has %d units, want 4: %s", len(sum.Units), r.Stdout)
	}
	// terraform_data updates its input in place.
	if n := sum.Units[0]; !sum.Changes || n.Unit != "network" || n.Changes == nil || *n.Changes != (struct{ Add, Change, Destroy int }{0, 1, 0}) {
		t.Errorf("plan summary: %s", r.Stdout)
	}
	for _, u := range sum.Units[1:] {
		if u.Changes == nil || u.Changes.Add+u.Changes.Change+u.Changes.Destroy != 0 {
			t.Errorf("%s has changes before network is applied: %s", u.Unit, r.Stdout)
		}
	}

	// Destroy runs in reverse order.
	if err := os.Remove(tr.Path("order.log")); err != nil {
		t.Fatal(err)
	}
	r = tr.Must(0, "destroy", "dev", "--auto-approve")
	order = lines(tr.Read("order.log"))
	before("destroy service", "destroy database")
	before("destroy database", "destroy network")
	before("destroy monitoring", "destroy network")

	// Destroying again needs no terraform at all.
	r = tr.Must(0, "destroy", "dev", "--auto-approve")
	contains(t, "second destroy", r.Stdout, "no state: nothing to destroy")
}

func TestUnitSelectionReadsDependencies(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	// database alone, before network exists: mocks stand in for a plan…
	r := tr.Must(0, "plan", "dev", "--unit", "database", "--stream")
	contains(t, "plan with mocks", r.Stdout, `"mock-network"`)
	// …but never for an apply.
	r = tr.Must(1, "apply", "dev", "--unit", "database", "--auto-approve")
	contains(t, "apply without dependency state", r.Stdout, "has no state yet", "apply network first")

	tr.Must(0, "apply", "dev", "--unit", "network", "--auto-approve")
	r = tr.Must(0, "apply", "dev", "-u", "database", "--auto-approve")
	if got := lines(tr.Read("order.log")); !slices.Equal(got, []string{"create network", "create database"}) {
		t.Errorf("selected units ran %q", got)
	}
	contains(t, "summary", r.Stdout, "database", "apply dev: 1 succeeded")
	if strings.Contains(r.Stdout, "network ") {
		t.Errorf("network ran although only database was selected:\n%s", r.Stdout)
	}

	// Globs and the environment variable.
	tr.Env = append(tr.Env, "STACKCTL_UNIT=*ice", "STACKCTL_ENV=dev")
	r = tr.Must(0, "list")
	if got := lines(r.Stdout); !slices.Equal(got, []string{"service"}) {
		t.Errorf("STACKCTL_UNIT glob selected %q", got)
	}
}

func TestFailingUnitSkipsDependents(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/database/unit.hcl"] = `source = "../../../modules/step"
dependency "network" {
  path = "../network"
}
inputs = {
  name     = "database"
  upstream = dependency.network.outputs.value
  fail     = true
}
`
	tr := newTree(t, files)
	r := tr.Must(1, "apply", "dev", "--auto-approve", "--json")
	var sum struct {
		Result string `json:"result"`
		Units  []struct {
			Unit, Result, Note, Error, Log string
		} `json:"units"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &sum); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	got := map[string]string{}
	for _, u := range sum.Units {
		got[u.Unit] = u.Result
		if u.Unit == "database" {
			contains(t, "database error", u.Error, "terraform apply failed")
			contains(t, "database log", tr.Read(strings.TrimPrefix(u.Log, tr.Dir+"/")), "failing on purpose")
		}
		if u.Unit == "service" {
			contains(t, "service note", u.Note, "database failed")
		}
	}
	want := map[string]string{"network": "succeeded", "database": "failed", "service": "skipped", "monitoring": "succeeded"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s (%v)", k, got[k], v, got)
		}
	}
	if sum.Result != "failed" {
		t.Errorf("result %q", sum.Result)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	files := chain()
	// A module variable that is NOT declared sensitive receives a
	// sensitive value: terraform would print it; stackctl must not.
	files["modules/leaky/main.tf"] = `
variable "password" {
  type = string
}
resource "terraform_data" "x" {
  input = var.password
}
output "echo" {
  value = "configured"
}
`
	files["live/dev/leaky/unit.hcl"] = `source = "../../../modules/leaky"
dependency "network" {
  path = "../network"
}
inputs = {
  password = dependency.network.outputs.token
}
`
	tr := newTree(t, files)
	tr.Must(0, "apply", "dev", "--unit", "network", "--auto-approve")
	r := tr.Must(0, "apply", "dev", "--unit", "leaky", "--auto-approve", "--stream")
	r2 := tr.Must(0, "render", "dev", "--unit", "leaky", "--format", "json")
	logs := tr.Read(".stackctl/logs/dev/leaky/apply.log")
	for what, text := range map[string]string{"apply output": r.Stdout + r.Stderr, "render": r2.Stdout, "log": logs} {
		if strings.Contains(text, "token-of-network") {
			t.Errorf("%s shows the secret:\n%s", what, text)
		}
	}
	contains(t, "apply output", r.Stdout, "(sensitive value)")
	contains(t, "render", r2.Stdout, `"sensitive": true`)
	// The tfvars file holds the secret for terraform, readable by the owner only.
	info, err := os.Stat(tr.Path(".stackctl/cache/dev/leaky/src/stackctl.auto.tfvars.json"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("tfvars mode %v", info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(tr.Dir, "modules", "leaky", ".terraform")); err == nil {
		t.Errorf("the module folder was written to")
	}
}

func TestCompletionAndHelp(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	r := tr.Must(0, "completion", "bash")
	contains(t, "bash completion", r.Stdout, "complete -o default -F _stackctl stackctl")
	r = tr.Must(0, "__complete", "pl")
	if got := lines(r.Stdout); !slices.Equal(got, []string{"plan"}) {
		t.Errorf("commands for 'pl': %q", got)
	}
	r = tr.Must(0, "__complete", "plan", "")
	if got := lines(r.Stdout); !slices.Equal(got, []string{"dev"}) {
		t.Errorf("environments: %q", got)
	}
	r = tr.Must(0, "__complete", "plan", "dev", "--unit", "da")
	if got := lines(r.Stdout); !slices.Equal(got, []string{"database"}) {
		t.Errorf("units: %q", got)
	}
	r = tr.Must(0, "plan", "--help")
	contains(t, "help", r.Stdout, "Examples:", "STACKCTL_PARALLELISM", "--detailed-exitcode")
}

// Local state and terraform's backup of it hold every secret of a unit's
// resources: the owner alone may read them.
func TestLocalStateIsPrivate(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	tr.Must(0, "apply", "dev", "-u", "network", "--auto-approve")
	tr.Write(map[string]string{"live/dev/network/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"network2\" }\n"})
	tr.Must(0, "apply", "dev", "-u", "network", "--auto-approve")
	dir := tr.Path(".stackctl/state/dev/network")
	for _, p := range []string{dir + "/terraform.tfstate", dir + "/terraform.tfstate.backup"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() == 0 || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %d bytes, mode %v; want written, 0600", p, info.Size(), info.Mode().Perm())
		}
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("state folder: %v, %v; want 0700", info.Mode().Perm(), err)
	}
}
