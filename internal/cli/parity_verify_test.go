package cli

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/iostreams"
	"github.com/stackctl/stackctl/internal/testutil"
)

// diff-env, verify and apply --verify: flags land in their options.
func TestParityAndVerifyFlagsToOptions(t *testing.T) {
	a := testApp(nil)
	var d *diffEnvOptions
	must(t, parse(t, a, a.diffEnvCommand(func(o *diffEnvOptions) error { d = o; return nil }),
		"staging", "prod", "--state", "-u", "service", "--format", "markdown", "--json", "--no-color", "--root", "/r"))
	want := diffEnvOptions{commonOptions: commonOptions{Env: "staging", Root: "/r", NoColor: true, Units: []string{"service"}, Args: []string{}},
		EnvB: "prod", State: true, JSON: true, Format: "markdown"}
	if !reflect.DeepEqual(*d, want) {
		t.Errorf("diff-env:\n got %+v\nwant %+v", *d, want)
	}

	var v *verifyOptions
	must(t, parse(t, a, a.verifyCommand(func(o *verifyOptions) error { v = o; return nil }),
		"prod", "-u", "service", "--resolve", "app.example.com:443:10.0.3.7", "--resolve", "api.example.com:8443:10.0.3.8",
		"--ca-file", "ca.pem", "--format", "markdown", "--json", "--check-timeout", "20s"))
	wantV := verifyOptions{commonOptions: commonOptions{Env: "prod", Units: []string{"service"}, Args: []string{}},
		checkOptions: checkOptions{Resolve: []string{"app.example.com:443:10.0.3.7", "api.example.com:8443:10.0.3.8"}, CAFile: "ca.pem", Timeout: 20 * time.Second},
		JSON:         true, Format: "markdown"}
	if !reflect.DeepEqual(*v, wantV) {
		t.Errorf("verify:\n got %+v\nwant %+v", *v, wantV)
	}

	var r *runOptions
	must(t, parse(t, a, a.runCommand("apply", "", func(o *runOptions) error { r = o; return nil }),
		"prod", "--verify", "--resolve", "app.example.com:443:127.0.0.1", "--ca-file", "ca.pem", "--auto-approve"))
	if !r.Verify || !r.AutoApprove || !reflect.DeepEqual(r.Checks, checkOptions{Resolve: []string{"app.example.com:443:127.0.0.1"}, CAFile: "ca.pem"}) {
		t.Errorf("apply --verify: %+v", r)
	}
	// Only apply verifies: plan has no such flag.
	if err := parse(t, a, a.runCommand("plan", "", func(*runOptions) error { return nil }), "prod", "--verify"); err == nil {
		t.Error("plan --verify was accepted")
	}

	// The variables work as the flags do (urfave/cli reads them from the
	// process environment).
	t.Setenv("STACKCTL_VERIFY", "true")
	t.Setenv("STACKCTL_CA_FILE", "env.pem")
	a = testApp(nil)
	must(t, parse(t, a, a.runCommand("apply", "", func(o *runOptions) error { r = o; return nil }), "dev"))
	if !r.Verify || r.Checks.CAFile != "env.pem" {
		t.Errorf("STACKCTL_VERIFY, STACKCTL_CA_FILE: %+v", r)
	}
}

// Mistakes in these commands' arguments are refused before anything is
// read, saying what to give instead.
func TestParityAndVerifyRefuseNonsense(t *testing.T) {
	cases := []struct {
		name string
		run  func(a *app) error
		want string
	}{
		{"one env", func(a *app) error {
			return a.runDiffEnv(context.Background(), &diffEnvOptions{commonOptions: commonOptions{Env: "staging"}})
		}, "diff-env compares two environments: stackctl diff-env ENV_A ENV_B"},
		{"same env", func(a *app) error {
			return a.runDiffEnv(context.Background(), &diffEnvOptions{commonOptions: commonOptions{Env: "prod"}, EnvB: "prod"})
		}, "compares an environment with itself"},
		{"three envs", func(a *app) error {
			return a.runDiffEnv(context.Background(), &diffEnvOptions{commonOptions: commonOptions{Env: "a", Args: []string{"c"}}, EnvB: "b"})
		}, "unexpected arguments c"},
		{"two views", func(a *app) error {
			return a.runDiffEnv(context.Background(), &diffEnvOptions{commonOptions: commonOptions{Env: "a"}, EnvB: "b", JSON: true, Format: "markdown"})
		}, "--json and --format markdown ask for two views"},
		{"unknown view", func(a *app) error {
			return a.runVerify(context.Background(), &verifyOptions{commonOptions: commonOptions{Env: "a"}, Format: "html"})
		}, `unknown format "html"; use text, markdown or json`},
		{"bad resolve", func(a *app) error {
			return a.runVerify(context.Background(), &verifyOptions{commonOptions: commonOptions{Env: "a"}, checkOptions: checkOptions{Resolve: []string{"app.example.com:443"}}})
		}, "want HOST:PORT:ADDR"},
		{"missing CA file", func(a *app) error {
			return a.runVerify(context.Background(), &verifyOptions{commonOptions: commonOptions{Env: "a"}, checkOptions: checkOptions{CAFile: "/nonexistent/ca.pem"}})
		}, "--ca-file"},
		{"negative check timeout", func(a *app) error {
			return a.runVerify(context.Background(), &verifyOptions{commonOptions: commonOptions{Env: "a"}, checkOptions: checkOptions{Timeout: -time.Second}})
		}, "--check-timeout -1s is negative"},
		{"resolve without verify", func(a *app) error {
			return (&runOptions{Command: "apply", Parallelism: 1, Checks: checkOptions{Resolve: []string{"a:1:127.0.0.1"}}}).check()
		}, "--resolve and --ca-file are for the checks of apply --verify"},
	}
	for _, c := range cases {
		err := c.run(testApp(nil))
		var ee *exitError
		if err == nil || !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want exit 1 with %q", c.name, err, c.want)
		}
	}
}

// On a terminal with colour, declared differences are dimmed and
// undeclared ones are not; without colour there is no escape at all.
func TestDiffEnvDimsDeclaredDifferences(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl": `project = "shop"
live_dir = "live"
parity {
  difference {
    inputs = ["desired_count"]
    reason = "capacity: prod serves the traffic"
  }
}
`,
		"modules/app/main.tf":         "variable \"desired_count\" {}\nvariable \"issuer\" {}\n",
		"live/staging/env.hcl":        `vars = { domain = "staging.example.com" }`,
		"live/prod/env.hcl":           `vars = { domain = "example.com" }`,
		"live/staging/app/unit.hcl":   "source = \"../../../modules/app\"\ninputs = {\n  desired_count = 1\n  issuer = \"https://auth.${env.domain}/\"\n}\n",
		"live/prod/app/unit.hcl":      "source = \"../../../modules/app\"\ninputs = {\n  desired_count = 3\n  issuer = \"https://auth.staging.example.com/\"\n}\n",
		"live/prod/partner/unit.hcl":  "source = \"../../../modules/app\"\n",
		"live/staging/partner/.keep":  "",
		"live/staging/extra/unit.hcl": "source = \"../../../modules/app\"\n",
	})
	for _, color := range []bool{true, false} {
		out := &strings.Builder{}
		s := iostreams.Test(strings.NewReader(""), out, &strings.Builder{})
		s.SetOutTTY(true)
		s.NoColor = !color
		a := &app{streams: s, getenv: func(string) (string, bool) { return "", false }, cwd: dir}
		err := a.runDiffEnv(context.Background(), &diffEnvOptions{commonOptions: commonOptions{Env: "staging"}, EnvB: "prod"})
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Fatalf("color %t: want exit 2 (undeclared differences), got %v\n%s", color, err, out)
		}
		got := out.String()
		dimmed := "\x1b[2m  ~ desired_count: differs\x1b[0m"
		if color {
			contains(t, got, dimmed, "\x1b[2m      declared: capacity: prod serves the traffic")
			if strings.Contains(got, "\x1b[2m  ! issuer") {
				t.Errorf("an undeclared difference is dimmed:\n%s", got)
			}
		} else if strings.Contains(got, "\x1b[") {
			t.Errorf("escapes without colour:\n%q", got)
		}
		contains(t, got, "~ desired_count: differs", "issuer: same text in both", "unit only in prod", "unit only in staging")
	}
}

func contains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("output does not contain %q:\n%s", w, got)
		}
	}
}

// netWithChecks is net's unit.hcl with two verify blocks: named holds
// for an applied net, upstream never does (net has no upstream).
const netWithChecks = `source = "../../../modules/step"
inputs = { name = "net" }
verify "named" {
  assert {
    condition = outputs.value == "net()"
    message   = "net outputs ${outputs.value}"
  }
}
verify "upstream" {
  assert {
    condition = outputs.value == "net(upstream)"
    message   = "net has no upstream"
  }
}
`

// apply --verify on a terminal (the reviewed apply): the unit whose check
// fails after it applied fails, and its dependent is skipped.
func TestReviewedApplyVerify(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":          "project = \"cli\"\nlive_dir = \"live\"\n",
		"modules/step/main.tf":  stepModule,
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/net/unit.hcl": netWithChecks,
		"live/dev/app/unit.hcl": `source = "../../../modules/step"
dependency "net" {
  path = "../net"
}
inputs = { name = "app", upstream = dependency.net.outputs.value }
`,
	})
	a, out, typed := terminalApp(t, dir)
	go answerAfter(t, out, typed, 1, "yes", func(string) {})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := &runOptions{commonOptions: commonOptions{Env: "dev"}, Command: "apply", Parallelism: 2, LockTimeout: "0s", Verify: true}
	err := a.runRun(ctx, o)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("apply --verify: want exit 1, got %v\n%s", err, out.String())
	}
	contains(t, out.String(), "applied, then verify upstream failed: net has no upstream", "✓ net  named", "apply dev: 1 failed, 1 skipped")
}
