package ops

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/terraform"
	"github.com/stackctl/stackctl/internal/verify"
)

func check(name, condition, message string) string {
	return "verify \"" + name + "\" {\n  assert {\n    condition = " + condition + "\n    message   = \"" + message + "\"\n  }\n}\n"
}

// apply --verify: each unit's checks run right after it applies, on its
// fresh outputs and the inputs it applied with; a failed check fails the
// unit, so its dependents are skipped.
func TestApplyVerifyFailsTheUnitAndSkipsItsDependents(t *testing.T) {
	files := chainFiles()
	files["live/dev/net/unit.hcl"] += check("named", `outputs.value == "net()"`, "net is misnamed")
	files["live/dev/app/unit.hcl"] += check("upstream", `outputs.value == "app(other())"`, "app does not read other") +
		check("input", `inputs.name == "nope"`, "app is not nope")
	tr := newTree(t, files)
	v, err := verify.New(verify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := tr.load("apply", func(o *Options) { o.Verify = v })
	res, rec := tr.runOn(e, Apply)
	wantStatus(t, res, map[string]Status{"net": Succeeded, "app": Failed, "web": Skipped})
	net := outcome(t, res, "net")
	if checks, _ := net.Data.(*UnitChecks); checks == nil || len(checks.Results) != 1 || !checks.Results[0].Passed || net.Message != "1 check passed" {
		t.Errorf("net: %q %+v", net.Message, net.Data)
	}
	if !strings.Contains(rec.output("net"), "stackctl: verify named: passed") {
		t.Errorf("net's log does not say its check passed:\n%s", rec.output("net"))
	}
	app := outcome(t, res, "app")
	var ue *UnitError
	if !errors.Is(app.Err, ErrCheckFailed) || !errors.As(app.Err, &ue) ||
		!strings.HasPrefix(ue.Message, "applied, then 2 of 2 verify checks failed: upstream, input") ||
		!strings.Contains(ue.Message, "upstream (live/dev/app/unit.hcl:") || !strings.Contains(ue.Message, "app is not nope") {
		t.Errorf("app: %v", app.Err)
	}
	// The check failed after the apply: app's state is there.
	if tr.output("app", "value") != "app(net())" || tr.state("web") != nil {
		t.Errorf("app %q, web applied: %v", tr.output("app", "value"), tr.state("web") != nil)
	}

	// Nothing to apply: the checks still run, on the state as it is.
	tr.write("live/dev/app/unit.hcl", chainFiles()["live/dev/app/unit.hcl"]+check("upstream", `outputs.value == "app(other())"`, "app does not read other"))
	res, _ = tr.runOn(tr.load("apply", func(o *Options) { o.Verify = v }), Apply, "app")
	if err := outcome(t, res, "app").Err; err == nil || !strings.Contains(err.Error(), "applied, then verify upstream failed: app does not read other\n  declared at live/dev/app/unit.hcl:") {
		t.Errorf("app with no changes: %v", err)
	}
}

// validate reads no state and needs no inputs known; it warns about an
// input the module does not declare and about a secret passed to a
// variable not declared sensitive, and fails a module that does not
// validate without stopping the others.
func TestValidateWarnsAndFails(t *testing.T) {
	tr := newTree(t, map[string]string{
		"stackctl.hcl":           "project = \"ops\"\nlive_dir = \"live\"\n",
		"modules/loose/main.tf":  "variable \"name\" {\n  type = string\n}\nvariable \"pw\" {\n  type = string\n}\n",
		"modules/broken/main.tf": "output \"x\" {\n  value = var.missing\n}\n",
		"live/dev/env.hcl":       "vars = {}\n",
		"live/dev/loose/unit.hcl": "source = \"../../../modules/loose\"\n" +
			"inputs = {\n  name = \"loose\"\n  pw   = sensitive(\"hunter2-9c1d\")\n  typo = 1\n}\n",
		"live/dev/broken/unit.hcl": "source = \"../../../modules/broken\"\n",
	})
	res, rec := tr.run("validate", Validate)
	wantStatus(t, res, map[string]Status{"loose": Succeeded, "broken": Failed})
	warnings := strings.Join(outcome(t, res, "loose").Warnings, "\n")
	for _, want := range []string{
		`input "typo" is set in unit.hcl but the module declares no variable "typo"; it is not passed`,
		`input "pw" (live/dev/loose/unit.hcl:4`,
		`the module's variable "pw" is not declared sensitive = true`,
	} {
		if !strings.Contains(warnings, want) {
			t.Errorf("loose's warnings lack %q:\n%s", want, warnings)
		}
	}
	if out := rec.output("loose"); strings.Contains(out, "hunter2-9c1d") || !strings.Contains(out, "stackctl: warning:") {
		t.Errorf("loose's output:\n%s", out)
	}
	// terraform's diagnostics are in the unit's output; the failure counts
	// them, names the first and says the step was validate.
	err := outcome(t, res, "broken").Err
	var te *terraform.Error
	if err == nil || !strings.Contains(err.Error(), "terraform validate found 1 error(s); the first: Reference to undeclared input variable (main.tf line") {
		t.Errorf("broken: %v", err)
	} else if !errors.As(err, &te) || te.Step != "validate" {
		t.Errorf("broken failed in step %v, want validate: %v", te, err)
	}
	if out := rec.output("broken"); !strings.Contains(out, "undeclared input variable") {
		t.Errorf("broken's output does not say what is wrong:\n%s", out)
	}

	// providers lock needs no inputs: a module without providers has a
	// lock file with nothing to add.
	res, _ = tr.run("providers lock", ProvidersLock([]string{"linux_amd64"}), "loose")
	lr, _ := outcome(t, res, "loose").Data.(LockResult)
	if outcome(t, res, "loose").Status != Succeeded || lr.File != filepath.Join(tr.path("live/dev/loose"), ".terraform.lock.hcl") {
		t.Errorf("providers lock: %s %v %+v", outcome(t, res, "loose").Status, outcome(t, res, "loose").Err, lr)
	}
}
