package cli

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// The CI flags land in their commands' options.
func TestCIFlagsToOptions(t *testing.T) {
	a := testApp(nil)
	var ro *runOptions
	must(t, parse(t, a, a.runCommand("plan", "", func(o *runOptions) error { ro = o; return nil }),
		"prod", "--changed-since", "origin/main", "--allow-destroy", "--out", "plans/prod", "--format", "markdown", "-u", "apps/*"))
	want := runOptions{commonOptions: commonOptions{Env: "prod", Units: []string{"apps/*"}, ChangedSince: "origin/main", AllowDestroy: true, Args: []string{}},
		Command: "plan", Parallelism: defaultParallelism(), LockTimeout: "30s", StallTimeout: 10 * time.Minute, Format: "markdown", Out: "plans/prod"}
	want.Checks, want.PassThrough = ro.Checks, ro.PassThrough // apply --verify's, tested with it
	if !reflect.DeepEqual(*ro, want) {
		t.Errorf("plan:\n got %+v\nwant %+v", *ro, want)
	}
	must(t, parse(t, a, a.runCommand("apply", "", func(o *runOptions) error { ro = o; return nil }), "prod", "--plan", "plans/prod", "--json"))
	if ro.PlanDir != "plans/prod" || !ro.JSON || ro.AutoApprove {
		t.Errorf("apply --plan: %+v", ro)
	}
	for _, cmd := range []string{"init", "validate", "destroy"} {
		must(t, parse(t, a, a.runCommand(cmd, "", func(o *runOptions) error { ro = o; return nil }), "dev", "--changed-since", "HEAD~1"))
		if ro.ChangedSince != "HEAD~1" {
			t.Errorf("%s --changed-since: %+v", cmd, ro)
		}
	}

	// Every multi-unit command takes --changed-since through the shared
	// flags.
	var lo *listOptions
	must(t, parse(t, a, a.listCommand(func(o *listOptions) error { lo = o; return nil }), "dev", "--changed-since", "main"))
	var g *graphOptions
	must(t, parse(t, a, a.graphCommand(func(o *graphOptions) error { g = o; return nil }), "dev", "--changed-since", "main", "-u", "x"))
	var r *renderOptions
	must(t, parse(t, a, a.renderCommand(func(o *renderOptions) error { r = o; return nil }), "dev", "--changed-since", "main"))
	var out *outputOptions
	must(t, parse(t, a, a.outputCommand(func(o *outputOptions) error { out = o; return nil }), "dev", "--changed-since", "main"))
	var v *verifyOptions
	must(t, parse(t, a, a.verifyCommand(func(o *verifyOptions) error { v = o; return nil }), "dev", "--changed-since", "main"))
	var ex *execOptions
	must(t, parse(t, a, a.execCommand(func(o *execOptions) error { ex = o; return nil }), "dev", "--changed-since", "main", "--", "state", "list"))
	for name, got := range map[string]commonOptions{"list": lo.commonOptions, "graph": g.commonOptions, "render": r.commonOptions, "output": out.commonOptions,
		"verify": v.commonOptions, "run": ex.commonOptions} {
		if got.ChangedSince != "main" || got.Env != "dev" {
			t.Errorf("%s: %+v", name, got)
		}
	}

	var m *matrixOptions
	var ci *ciInitOptions
	cmd := a.ciCommand(func(o *matrixOptions) error { m = o; return nil }, func(o *ciInitOptions) error { ci = o; return nil })
	must(t, parse(t, a, cmd, "matrix", "prod", "--changed-since", "origin/main", "-u", "a"))
	if m.Env != "prod" || m.ChangedSince != "origin/main" || !reflect.DeepEqual(m.Units, []string{"a"}) {
		t.Errorf("ci matrix: %+v", m)
	}
	must(t, parse(t, a, cmd, "init", "github", "--force", "--wave-jobs", "12", "--branch", "trunk", "--root", "/r"))
	if ci.Provider != "github" || !ci.Force || ci.WaveJobs != 12 || ci.Branch != "trunk" || ci.Root != "/r" || ci.StackctlVersion != "latest" {
		t.Errorf("ci init: %+v", ci)
	}
	if err := ci.check(); err != nil || !ci.FanOut {
		t.Errorf("--wave-jobs does not imply --fan-out: %+v, %v", ci, err)
	}

	var f *fmtOptions
	must(t, parse(t, a, a.fmtCommand(func(o *fmtOptions) error { f = o; return nil }), "--check", "--root", "/r"))
	if !f.Check || f.Root != "/r" || len(f.Args) != 0 {
		t.Errorf("fmt: %+v", f)
	}

	var pl *providersLockOptions
	must(t, parse(t, a, a.providersCommand(func(o *providersLockOptions) error { pl = o; return nil }),
		"lock", "prod", "--platform", "linux_amd64", "--platform", "darwin_arm64,windows_amd64", "-p", "3", "--changed-since", "main"))
	if pl.Env != "prod" || !reflect.DeepEqual(pl.Platforms, []string{"linux_amd64", "darwin_arm64", "windows_amd64"}) || pl.Parallelism != 3 || pl.ChangedSince != "main" {
		t.Errorf("providers lock: %+v", pl)
	}
}

func TestCIOptionsRefuseNonsense(t *testing.T) {
	run := func(o runOptions) runOptions {
		o.Parallelism, o.LockTimeout = 1, "30s"
		return o
	}
	cases := []struct {
		o    runOptions
		want string
	}{
		{run(runOptions{Command: "plan", Format: "yaml"}), `unknown --format "yaml"`},
		{run(runOptions{Command: "plan", Format: "markdown", JSON: true}), "--json and --format markdown"},
		{run(runOptions{Command: "plan", commonOptions: commonOptions{AllowDestroy: true}}), "--allow-destroy destroys units deleted since --changed-since"},
		{run(runOptions{Command: "apply", PlanDir: "p", PassThrough: []string{"-target=x"}}), "apply --plan applies saved plans as they are"},
		{run(runOptions{Command: "apply", PlanDir: "p", commonOptions: commonOptions{AllowDestroy: true, ChangedSince: "main"}}), "drop --allow-destroy"},
	}
	for _, c := range cases {
		err := c.o.check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
	}
	for _, o := range []ciInitOptions{{}, {Provider: "gitlab"}, {Provider: "github", WaveJobs: 65}, {Provider: "github", Args: []string{"x"}}} {
		if err := o.check(); err == nil {
			t.Errorf("ci init %+v accepted", o)
		}
	}
	for _, o := range []providersLockOptions{{Parallelism: 1, Platforms: []string{"linux-amd64"}}, {Parallelism: 0}} {
		if err := o.check(); err == nil {
			t.Errorf("providers lock %+v accepted", o)
		}
	}
}

// Annotations are GitHub workflow commands with their properties and data
// escaped, paths relative to the workspace; nothing is written elsewhere.
func TestAnnotations(t *testing.T) {
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": "/ws"}
	a := testApp(env)
	a.cwd = "/ws/infra"
	a.annotateFile("error", "live/dev/a/unit.hcl", "not formatted: 100%\nrun fmt")
	got := a.streams.ErrOut.(*strings.Builder).String()
	want := "::error file=infra/live/dev/a/unit.hcl,title=stackctl::not formatted: 100%25%0Arun fmt\n"
	if got != want {
		t.Errorf("annotation:\n got %q\nwant %q", got, want)
	}
	if escapeProperty("a:b,c") != "a%3Ab%2Cc" {
		t.Errorf("property escaping: %s", escapeProperty("a:b,c"))
	}
	quiet := testApp(map[string]string{"CI": "true"})
	quiet.annotateFile("error", "x", "y")
	if s := quiet.streams.ErrOut.(*strings.Builder).String(); s != "" {
		t.Errorf("annotations outside GitHub Actions: %q", s)
	}
	if !quiet.inCI() || testApp(map[string]string{"CI": "false"}).inCI() {
		t.Error("CI=true / CI=false misread")
	}
	if err := quiet.canConfirm("apply"); err == nil || !strings.Contains(err.Error(), "--plan DIR") {
		t.Errorf("apply in CI asks: %v", err)
	}
}
