package cli

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/bootstrap"
	"github.com/stackctl/stackctl/internal/iostreams"
)

// parse runs one command's flag parsing as Main does (flags may follow
// ENV, "--" ends stackctl's arguments) and returns the error of the action.
func parse(t *testing.T, a *app, cmd *ucli.Command, args ...string) error {
	t.Helper()
	ua := &ucli.App{Name: "stackctl", Commands: []*ucli.Command{cmd}, Writer: a.streams.Out, ErrWriter: a.streams.ErrOut,
		ExitErrHandler: func(*ucli.Context, error) {}, UseShortOptionHandling: true}
	full, pass := reorderArgs(ua, append([]string{"stackctl", cmd.Name}, args...))
	a.passThrough = pass
	return ua.RunContext(context.Background(), full)
}

func testApp(env map[string]string) *app {
	return &app{
		streams: iostreams.Test(strings.NewReader(""), &strings.Builder{}, &strings.Builder{}),
		getenv:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		cwd:     "/nonexistent",
	}
}

// Every command's flags land in its options, and nothing else runs.
func TestFlagsToOptions(t *testing.T) {
	t.Run("run commands", func(t *testing.T) {
		cases := []struct {
			cmd  string
			args []string
			want runOptions
		}{
			{"plan", []string{"dev", "-u", "a,b", "-u", "c", "-p", "3", "--detailed-exitcode", "--lock-timeout", "5m", "--stall-timeout", "90s", "--stream", "--json", "--no-color", "--root", "/r", "--", "-target=x"},
				runOptions{commonOptions: commonOptions{Env: "dev", Root: "/r", NoColor: true, Units: []string{"a", "b", "c"}, Args: []string{}},
					Command: "plan", JSON: true, Parallelism: 3, LockTimeout: "5m", StallTimeout: 90 * time.Second, Stream: true, DetailedExitcode: true, PassThrough: []string{"-target=x"}}},
			{"apply", []string{"prod", "--auto-approve"},
				runOptions{commonOptions: commonOptions{Env: "prod", Args: []string{}}, Command: "apply", Parallelism: defaultParallelism(), LockTimeout: "30s", StallTimeout: 10 * time.Minute, AutoApprove: true}},
			{"destroy", []string{"dev", "-p", "0"},
				runOptions{commonOptions: commonOptions{Env: "dev", Args: []string{}}, Command: "destroy", Parallelism: 0, LockTimeout: "30s", StallTimeout: 10 * time.Minute}},
			{"init", []string{}, runOptions{commonOptions: commonOptions{Env: "staging"}, Command: "init", Parallelism: defaultParallelism(), LockTimeout: "30s", StallTimeout: 10 * time.Minute}},
			{"validate", []string{"dev", "extra"}, runOptions{commonOptions: commonOptions{Env: "dev", Args: []string{"extra"}}, Command: "validate", Parallelism: defaultParallelism(), LockTimeout: "30s", StallTimeout: 10 * time.Minute}},
		}
		for _, c := range cases {
			a := testApp(map[string]string{"STACKCTL_ENV": "staging"})
			var got *runOptions
			if err := parse(t, a, a.runCommand(c.cmd, "", func(o *runOptions) error { got = o; return nil }), c.args...); err != nil {
				t.Fatalf("%s %v: %v", c.cmd, c.args, err)
			}
			if got == nil {
				t.Fatalf("%s %v: the run function was not called", c.cmd, c.args)
			}
			if got.Units == nil {
				got.Units = c.want.Units
			}
			if len(got.Args) == 0 && len(c.want.Args) == 0 {
				got.Args = c.want.Args
			}
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("%s %v:\n got %+v\nwant %+v", c.cmd, c.args, *got, c.want)
			}
		}
	})
	t.Run("other commands", func(t *testing.T) {
		a := testApp(nil)
		var lo *listOptions
		must(t, parse(t, a, a.listCommand(func(o *listOptions) error { lo = o; return nil }), "dev", "--json", "-u", "x"))
		if lo.Env != "dev" || !lo.JSON || !reflect.DeepEqual(lo.Units, []string{"x"}) {
			t.Errorf("list: %+v", lo)
		}
		var g *graphOptions
		must(t, parse(t, a, a.graphCommand(func(o *graphOptions) error { g = o; return nil }), "dev", "--format", "mermaid"))
		if g.Env != "dev" || g.Format != "mermaid" {
			t.Errorf("graph: %+v", g)
		}
		var r *renderOptions
		must(t, parse(t, a, a.renderCommand(func(o *renderOptions) error { r = o; return nil }), "dev", "--json", "--all"))
		if r.Format != "json" || !r.All {
			t.Errorf("render: %+v", r)
		}
		var out *outputOptions
		must(t, parse(t, a, a.outputCommand(func(o *outputOptions) error { out = o; return nil }), "dev", "--show-sensitive", "--json"))
		if !out.ShowSensitive || !out.JSON {
			t.Errorf("output: %+v", out)
		}
		var b *bootstrapOptions
		must(t, parse(t, a, a.bootstrapCommand(func(o *bootstrapOptions) error { b = o; return nil }), "prod", "--fix"))
		if b.Env != "prod" || !b.Fix {
			t.Errorf("bootstrap: %+v", b)
		}
		var f *forceUnlockOptions
		must(t, parse(t, a, a.forceUnlockCommand(func(o *forceUnlockOptions) error { f = o; return nil }), "prod", "-u", "db", "LOCK-1", "--auto-approve"))
		if f.Env != "prod" || f.LockID != "LOCK-1" || !f.AutoApprove || !reflect.DeepEqual(f.Units, []string{"db"}) {
			t.Errorf("force-unlock: %+v", f)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Nonsense values are refused with the valid range before anything runs.
func TestRunOptionsRefuseNonsense(t *testing.T) {
	cases := []struct {
		o    runOptions
		want string
	}{
		{runOptions{Command: "plan", Parallelism: 0, LockTimeout: "30s"}, "--parallelism 0 is out of range: give 1 to 256"},
		{runOptions{Command: "plan", Parallelism: -3, LockTimeout: "30s"}, "--parallelism -3 is out of range"},
		{runOptions{Command: "plan", Parallelism: 1, LockTimeout: "-5s"}, "--lock-timeout -5s is negative"},
		{runOptions{Command: "plan", Parallelism: 1, LockTimeout: "soon"}, `--lock-timeout "soon" is not a duration`},
		{runOptions{Command: "init", Parallelism: 1, PassThrough: []string{"-upgrade"}}, "init takes no terraform arguments"},
	}
	for _, c := range cases {
		err := c.o.check()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
	}
	ok := runOptions{Command: "plan", Parallelism: 4, LockTimeout: "0s"}
	if err := ok.check(); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}

func TestRunFlagsToOptions(t *testing.T) {
	a := testApp(nil)
	var got *execOptions
	must(t, parse(t, a, a.execCommand(func(o *execOptions) error { got = o; return nil }), "dev", "-u", "db", "--auto-approve", "-p", "2", "--", "state", "rm", "x"))
	if got.Env != "dev" || !got.AutoApprove || got.Parallelism != 2 || !reflect.DeepEqual(got.PassThrough, []string{"state", "rm", "x"}) || !reflect.DeepEqual(got.Units, []string{"db"}) {
		t.Errorf("run: %+v", got)
	}
}

// 0 means every setting is in place: an audit that could read nothing
// cannot say so.
func TestBootstrapExitCodes(t *testing.T) {
	rep := func(st ...bootstrap.Status) []*bootstrap.Report {
		r := &bootstrap.Report{}
		for i, s := range st {
			r.Checks = append(r.Checks, bootstrap.Check{Resource: "s3://b", Setting: fmt.Sprint(i), Status: s})
		}
		return []*bootstrap.Report{r}
	}
	code := func(err error) int {
		var ee *exitError
		if err == nil {
			return 0
		}
		if errors.As(err, &ee) {
			return ee.code
		}
		return -1
	}
	cases := []struct {
		reports []*bootstrap.Report
		fix     bool
		want    int
	}{
		{rep(bootstrap.StatusOK, bootstrap.StatusCreated, bootstrap.StatusNotApplicable), false, 0},
		{rep(bootstrap.StatusUnknown, bootstrap.StatusUnknown), false, 2},
		{rep(bootstrap.StatusOK, bootstrap.StatusMissing), false, 2},
		{rep(bootstrap.StatusOK, bootstrap.StatusMissing), true, 1},
		{rep(bootstrap.StatusFixed), true, 0},
	}
	for i, c := range cases {
		if got := code(bootstrapExit(testApp(nil), "dev", c.reports, c.fix)); got != c.want {
			t.Errorf("case %d: exit %d, want %d", i, got, c.want)
		}
	}
}
