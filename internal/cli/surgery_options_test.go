package cli

import (
	"reflect"
	"strings"
	"testing"

	ucli "github.com/urfave/cli/v2"
)

// parseState runs `stackctl state SUB ARGS` as Main would parse it.
func parseState(t *testing.T, a *app, runs stateRuns, args ...string) error {
	t.Helper()
	return parse(t, a, a.stateCommand(runs), args...)
}

func TestSurgeryFlagsToOptions(t *testing.T) {
	a := testApp(map[string]string{"STACKCTL_EXCLUDE": ""})
	var r *renameAppOptions
	must(t, parse(t, a, a.renameAppCommand(func(o *renameAppOptions) error { r = o; return nil }),
		"prod", "--from", "wasabi", "--to", "wasabi-v2", "-u", "gateway", "--exclude", `heroku_app.apps["mywasabi"]`, "--exclude", "kong_*",
		"--dry-run", "--json", "--allow-update", "-p", "3", "--auto-approve"))
	want := renameAppOptions{
		surgeryOptions: surgeryOptions{commonOptions: commonOptions{Env: "prod", Units: []string{"gateway"}, Args: []string{}}, JSON: true, DryRun: true, AutoApprove: true, Parallelism: 3},
		From:           "wasabi", To: "wasabi-v2", Exclude: []string{`heroku_app.apps["mywasabi"]`, "kong_*"}, AllowUpdate: true,
	}
	if !reflect.DeepEqual(*r, want) {
		t.Errorf("rename-app:\n got %+v\nwant %+v", *r, want)
	}

	var m *mvUnitOptions
	must(t, parse(t, a, a.mvUnitCommand(func(o *mvUnitOptions) error { m = o; return nil }), "prod", "apps/api", "services/api", "--auto-approve"))
	if m.Env != "prod" || m.From != "apps/api" || m.To != "services/api" || !m.AutoApprove || m.Parallelism != defaultParallelism() || m.Args != nil {
		t.Errorf("mv-unit: %+v", m)
	}
	if err := parse(t, a, a.mvUnitCommand(func(*mvUnitOptions) error { return nil }), "prod", "apps/api"); err == nil || !strings.Contains(err.Error(), "OLD_PATH NEW_PATH") {
		t.Errorf("mv-unit with one path: %v", err)
	}

	var runs stateRuns
	var l, b *stateListOptions
	var mv *stateMvOptions
	var rs *stateRestoreOptions
	var ps *statePushOptions
	var rc *stateRecoverOptions
	runs.list = func(o *stateListOptions) error { l = o; return nil }
	runs.backups = func(o *stateListOptions) error { b = o; return nil }
	runs.mv = func(o *stateMvOptions) error { mv = o; return nil }
	runs.restore = func(o *stateRestoreOptions) error { rs = o; return nil }
	runs.push = func(o *statePushOptions) error { ps = o; return nil }
	runs.recover = func(o *stateRecoverOptions) error { rc = o; return nil }
	must(t, parseState(t, a, runs, "list", "prod", "--unit", "service", "--json"))
	if l.Env != "prod" || !l.JSON || !reflect.DeepEqual(l.Units, []string{"service"}) {
		t.Errorf("state list: %+v", l)
	}
	must(t, parseState(t, a, runs, "backups", "prod", "-u", "service"))
	if b.Env != "prod" || !reflect.DeepEqual(b.Units, []string{"service"}) {
		t.Errorf("state backups: %+v", b)
	}
	must(t, parseState(t, a, runs, "mv", "prod", "network:aws_security_group.alb", `service:aws_x.y["a:b"]`, "--write-moved", "--dry-run"))
	if mv.FromUnit != "network" || mv.From != "aws_security_group.alb" || mv.ToUnit != "service" || mv.To != `aws_x.y["a:b"]` || !mv.WriteMoved || !mv.DryRun {
		t.Errorf("state mv: %+v", mv)
	}
	if err := parseState(t, a, runs, "mv", "prod", "aws_security_group.alb", "service:aws_security_group.alb"); err == nil || !strings.Contains(err.Error(), "UNIT:ADDRESS") {
		t.Errorf("state mv without a unit: %v", err)
	}
	must(t, parseState(t, a, runs, "restore", "prod", "--unit", "service", "latest", "--auto-approve"))
	if rs.Backup != "latest" || !rs.AutoApprove || !reflect.DeepEqual(rs.Units, []string{"service"}) {
		t.Errorf("state restore: %+v", rs)
	}
	must(t, parseState(t, a, runs, "push-errored", "prod", "--unit", "db", "--file", "x.tfstate"))
	if ps.File != "x.tfstate" || !reflect.DeepEqual(ps.Units, []string{"db"}) {
		t.Errorf("state push-errored: %+v", ps)
	}
	must(t, parseState(t, a, runs, "recover", "prod", "--auto-approve"))
	if rc.Env != "prod" || !rc.AutoApprove {
		t.Errorf("state recover: %+v", rc)
	}
}

// Nonsense is refused before anything is loaded.
func TestSurgeryRefusesNonsense(t *testing.T) {
	a := testApp(nil)
	cases := []struct {
		cmd  *ucli.Command
		args []string
		want string
	}{
		{a.renameAppCommand(nil), []string{"dev", "--from", "x"}, "needs --from OLD and --to NEW"},
		{a.renameAppCommand(nil), []string{"dev", "--from", "x", "--to", "x"}, "nothing to rename"},
		{a.renameAppCommand(nil), []string{"dev", "--from", "x", "--to", "y", "-p", "0"}, "--parallelism 0 is out of range"},
		{a.renameAppCommand(nil), []string{"dev", "--from", "x", "--to", "y"}, "needs --auto-approve"},
		{a.stateCommand(stateRuns{}), []string{"restore", "dev", "latest", "--auto-approve"}, "works on one unit"},
		{a.stateCommand(stateRuns{}), []string{"push-errored", "dev", "-u", "a*", "--auto-approve"}, "works on one unit"},
	}
	for _, c := range cases {
		err := parse(t, a, c.cmd, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: %v, want %q", c.cmd.Name, c.args, err, c.want)
		}
	}
}
