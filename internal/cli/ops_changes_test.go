package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// renameNet changes net's input, so that net has a change to apply and
// app, planned on net's output, follows.
func renameNet(t *testing.T, dir, name string) {
	t.Helper()
	body := "source = \"../../../modules/step\"\ninputs = { name = \"" + name + "\" }\n"
	if err := os.WriteFile(filepath.Join(dir, "live/dev/net/unit.hcl"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// netValue is net's value output as its state holds it.
func netValue(t *testing.T, dir string) string {
	t.Helper()
	var st struct {
		Outputs map[string]struct {
			Value any `json:"value"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, ".stackctl/state/dev/net/terraform.tfstate"))), &st); err != nil {
		t.Fatal(err)
	}
	v, _ := st.Outputs["value"].Value.(string)
	return v
}

// plan --detailed-exitcode exits 2 on a change; plan --out saves every
// plan (private files, an index, the markdown summary beside them) and
// apply --plan applies exactly those, once: a second apply of the same
// plans is refused because the state moved.
func TestSavedPlans(t *testing.T) {
	dir := appliedTree(t)
	renameNet(t, dir, "net2")
	r := mustRun(t, dir, 2, "plan", "dev", "--detailed-exitcode")
	has(t, "plan --detailed-exitcode", r.out, "net   succeeded  0    1       0")
	r = mustRun(t, dir, 2, "plan", "dev", "--detailed-exitcode", "--json")
	has(t, "plan --json", r.out, `"has_changes": true`, `"changes": true`)

	r = mustRun(t, dir, 0, "plan", "dev", "--out", "plans", "--format", "markdown")
	has(t, "plan --out --format markdown", r.out, "### ✅ stackctl plan `dev`", "**0 to add, 1 to change, 0 to destroy** in 2 units",
		"| 🟡 | `net` | succeeded | 0 | 1 | 0 |", "full text: plans/net/plan.txt", "2 plan(s) saved in plans: apply exactly those with stackctl apply dev --plan plans")
	has(t, "summary.md", readFile(t, filepath.Join(dir, "plans/summary.md")), "stackctl plan `dev`")
	for _, f := range []string{"net/plan.tfplan", "net/plan.json", "net/plan.txt", "net/manifest.json", "app/manifest.json", "stackctl-plans.json"} {
		fi, err := os.Stat(filepath.Join(dir, "plans", f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("plans/%s: %v, mode %v (plans hold secrets: want 0600)", f, err, fi)
		}
	}
	if v := netValue(t, dir); v != "net()" {
		t.Fatalf("plan --out changed net's state: %q", v)
	}

	// The plans name their environment; nothing else applies them.
	r = mustRun(t, dir, 1, "apply", "dev", "--plan", "plans", "--", "-parallelism=1")
	has(t, "apply --plan with terraform arguments", r.err, "apply --plan applies saved plans as they are")
	r = mustRun(t, dir, 1, "apply", "dev", "--plan", "nosuch")
	has(t, "apply --plan of a missing folder", r.err, "nosuch")

	r = mustRunWith(t, dir, invocation{env: map[string]string{"CI": "true"}}, 0, "apply", "dev", "--plan", "plans", "--format", "markdown")
	has(t, "apply --plan --format markdown", r.out, "### ✅ stackctl apply `dev`", "| 🟡 | `net` | succeeded | 0 | 1 | 0 |")
	has(t, "apply-summary.md", readFile(t, filepath.Join(dir, "plans/apply-summary.md")), "stackctl apply `dev`")
	if v := netValue(t, dir); v != "net2()" {
		t.Errorf("apply --plan did not apply net's plan: value %q", v)
	}

	r = mustRun(t, dir, 1, "apply", "dev", "--plan", "plans")
	has(t, "a second apply of the same plans", r.err, "1 saved plan(s) refused, nothing was applied", "net: its state changed since it was planned")
}

// Saved plans of some units: the others are said not to be applied, and
// naming one of them with --unit is an error.
func TestSavedPlansOfSomeUnits(t *testing.T) {
	dir := appliedTree(t)
	renameNet(t, dir, "net3")
	mustRun(t, dir, 0, "plan", "dev", "--out", "plans", "--unit", "net")
	r := mustRun(t, dir, 1, "apply", "dev", "--plan", "plans", "--unit", "app")
	has(t, "apply --plan --unit app", r.err, "no saved plan in plans for app: nothing was applied")
	r = mustRun(t, dir, 0, "apply", "dev", "--plan", "plans")
	has(t, "apply --plan", r.out, "Not planned in plans, so not applied: app.", "apply dev: 1 succeeded")
	if v := netValue(t, dir); v != "net3()" {
		t.Errorf("net after apply --plan: %q", v)
	}
}

// apply on a terminal: the plans, one question; "no" applies nothing,
// "yes" applies net and then asks again for app, whose plan changed once
// net's output did.
func TestReviewedApplyAnswers(t *testing.T) {
	dir := appliedTree(t)
	renameNet(t, dir, "edge")
	tty := func(typed string) invocation { return invocation{tty: true, stdin: typed} }

	r := mustRunWith(t, dir, tty("no\n"), 1, "apply", "dev")
	has(t, "apply answered no", r.err, "Do you want to apply 1 unit(s) of dev?", "net  0 to add, 1 to change, 0 to destroy", "app  no changes yet; planned again once net apply", "stackctl: apply cancelled")
	if v := netValue(t, dir); v != "net()" {
		t.Fatalf("a cancelled apply changed net: %q", v)
	}

	r = mustRunWith(t, dir, tty("yes\nyes\n"), 0, "apply", "dev")
	has(t, "apply answered yes twice", r.err, "app was planned again: its dependencies' outputs changed since its plan was shown", "Do you want to apply this plan of app?")
	has(t, "apply answered yes twice", r.out, "apply dev: 2 succeeded")
	if v := netValue(t, dir); v != "edge()" {
		t.Errorf("net after the apply: %q", v)
	}
	has(t, "app's state", readFile(t, filepath.Join(dir, ".stackctl/state/dev/app/terraform.tfstate")), "app(edge())")

	// CI=true: nobody to ask, refused before planning.
	r = mustRunWith(t, dir, invocation{tty: true, env: map[string]string{"CI": "true"}}, 1, "destroy", "dev")
	has(t, "destroy in CI", r.err, "destroy asks nothing in CI (CI=true)", "give --auto-approve")

	r = mustRunWith(t, dir, tty("no\n"), 1, "destroy", "dev")
	has(t, "destroy answered no", r.err, "Do you really want to destroy every resource of 2 unit(s) of dev? There is no undo.", "destroy cancelled")
	r = mustRunWith(t, dir, tty("yes\n"), 0, "destroy", "dev", "--unit", "app")
	has(t, "destroy of app", r.out, "app   succeeded  0    0       1", "destroy dev: 1 succeeded")
	r = mustRun(t, dir, 0, "destroy", "dev", "--auto-approve")
	has(t, "destroy --auto-approve", r.out, "net   succeeded  0    0       1")
	r = mustRun(t, dir, 0, "state", "list", "dev")
	has(t, "state list after destroy", r.out, "net: .stackctl/state/dev/net/terraform.tfstate, serial")
	hasNot(t, "state list after destroy", r.out, "terraform_data.this")
}

// A unit that fails: its dependents are skipped, the summary says where
// the full output is, and on GitHub Actions the failure is annotated.
func TestFailedUnit(t *testing.T) {
	dir := secretTree(t)
	r := mustRunWith(t, dir, invocation{env: map[string]string{"GITHUB_ACTIONS": "true"}}, 1, "plan", "dev", "--", "-target=nosuch[")
	has(t, "plan with a bad target", r.out, "net   failed", `Invalid target "nosuch["`, "app   skipped  -         net failed",
		"full output: "+filepath.Join(dir, ".stackctl/logs/dev/net/plan.log"), "plan dev: 1 failed, 1 skipped")
	has(t, "plan with a bad target", r.err, `::error title=stackctl plan%3A net::terraform plan failed: Invalid target "nosuch["`)

	// The same failure read as a reviewed apply: nothing is asked.
	r = mustRunWith(t, dir, invocation{tty: true}, 1, "apply", "dev", "--", "-target=nosuch[")
	has(t, "reviewed apply of a failing plan", r.err, "nothing was applied: every plan must succeed first")
	hasNot(t, "reviewed apply of a failing plan", r.err, "Enter a value")

	// drift: a unit that cannot be read is exit 1 and says where its
	// output is.
	mustRun(t, dir, 0, "apply", "dev", "--auto-approve", "--unit", "net")
	if err := os.WriteFile(filepath.Join(dir, "modules/step/broken.tf"), []byte("resource \"terraform_data\" \"x\" {\n  input = var.nosuch\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, dir, 1, "drift", "dev", "--unit", "net")
	has(t, "drift of a broken unit", r.err, "stackctl: net failed; its full output is in")
	r = mustRun(t, dir, 1, "drift", "dev", "--unit", "net", "--accept", "--auto-approve")
	has(t, "drift --accept of a broken unit", r.err, "nothing was accepted: the drift of every selected unit must be read first")
	if strings.Contains(r.out+r.err, secretValue) {
		t.Errorf("the secret was printed:\n%s\n%s", r.out, r.err)
	}
}
