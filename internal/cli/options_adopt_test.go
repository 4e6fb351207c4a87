package cli

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var defaultEngine = engineOptions{Parallelism: defaultParallelism(), LockTimeout: "30s", StallTimeout: 10 * time.Minute}

// drift's and import's flags land in their options, and nothing runs.
func TestDriftAndImportFlagsToOptions(t *testing.T) {
	drift := []struct {
		args []string
		want driftOptions
	}{
		{[]string{"prod"}, driftOptions{commonOptions: commonOptions{Env: "prod"}, engineOptions: defaultEngine, Format: "text"}},
		{[]string{"prod", "--json", "-u", "service,network", "-p", "3", "--lock-timeout", "1m", "--stall-timeout", "90s", "--stream", "--root", "/r", "--no-color"},
			driftOptions{commonOptions: commonOptions{Env: "prod", Root: "/r", NoColor: true, Units: []string{"service", "network"}},
				engineOptions: engineOptions{Parallelism: 3, LockTimeout: "1m", StallTimeout: 90 * time.Second, Stream: true}, Format: "json"}},
		{[]string{"dev", "--format", "markdown"}, driftOptions{commonOptions: commonOptions{Env: "dev"}, engineOptions: defaultEngine, Format: "markdown"}},
		{[]string{"dev", "--accept", "--auto-approve", "--unit", "service"},
			driftOptions{commonOptions: commonOptions{Env: "dev", Units: []string{"service"}}, engineOptions: defaultEngine, Format: "text", Accept: true, AutoApprove: true}},
		{[]string{}, driftOptions{commonOptions: commonOptions{Env: "staging"}, engineOptions: defaultEngine, Format: "text"}},
	}
	for _, c := range drift {
		a := testApp(map[string]string{"STACKCTL_ENV": "staging"})
		var got *driftOptions
		must(t, parse(t, a, a.driftCommand(func(o *driftOptions) error { got = o; return nil }), c.args...))
		normalise(&got.commonOptions, c.want.commonOptions)
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("drift %v:\n got %+v\nwant %+v", c.args, *got, c.want)
		}
	}
	imports := []struct {
		args []string
		want importOptions
	}{
		{[]string{"prod", "--unit", "network", "aws_security_group.extra", "sg-0abc"},
			importOptions{commonOptions: commonOptions{Env: "prod", Units: []string{"network"}}, engineOptions: defaultEngine, Address: "aws_security_group.extra", ID: "sg-0abc"}},
		{[]string{"prod", "aws_security_group.extra", "-u", "network", "sg-0abc", "--auto-approve", "--json"},
			importOptions{commonOptions: commonOptions{Env: "prod", Units: []string{"network"}}, engineOptions: defaultEngine, Address: "aws_security_group.extra", ID: "sg-0abc", AutoApprove: true, JSON: true}},
		{[]string{"prod", "--discover"}, importOptions{commonOptions: commonOptions{Env: "prod"}, engineOptions: defaultEngine, Discover: true}},
		{[]string{"prod", "--discover", "--write", "-p", "1"}, importOptions{commonOptions: commonOptions{Env: "prod"}, engineOptions: engineOptions{Parallelism: 1, LockTimeout: "30s", StallTimeout: 10 * time.Minute}, Discover: true, Write: true}},
		{[]string{"prod", "--discover", "extra"}, importOptions{commonOptions: commonOptions{Env: "prod", Args: []string{"extra"}}, engineOptions: defaultEngine, Discover: true}},
	}
	for _, c := range imports {
		a := testApp(nil)
		var got *importOptions
		must(t, parse(t, a, a.importCommand(func(o *importOptions) error { got = o; return nil }), c.args...))
		normalise(&got.commonOptions, c.want.commonOptions)
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("import %v:\n got %+v\nwant %+v", c.args, *got, c.want)
		}
	}
	a := testApp(nil)
	err := parse(t, a, a.driftCommand(func(*driftOptions) error { return nil }), "dev", "--json", "--format", "markdown")
	if err == nil || !strings.Contains(err.Error(), "--json and --format markdown ask for two reports") {
		t.Errorf("--json with --format markdown: %v", err)
	}
}

// normalise makes empty and nil slices alike, as DeepEqual does not.
func normalise(got *commonOptions, want commonOptions) {
	if len(got.Units) == 0 && len(want.Units) == 0 {
		got.Units = want.Units
	}
	if len(got.Args) == 0 && len(want.Args) == 0 {
		got.Args = want.Args
	}
}

// Options that make no sense are refused before anything is loaded.
func TestDriftAndImportRefuseNonsense(t *testing.T) {
	drift := []struct {
		o    driftOptions
		pass []string
		want string
	}{
		{driftOptions{engineOptions: defaultEngine, Format: "html"}, nil, `--format "html" is not a drift report`},
		{driftOptions{engineOptions: defaultEngine, Format: "text"}, []string{"-target=x"}, "drift takes no terraform arguments"},
		{driftOptions{engineOptions: defaultEngine, Format: "text", AutoApprove: true}, nil, "--auto-approve goes with --accept"},
		{driftOptions{engineOptions: engineOptions{Parallelism: 0, LockTimeout: "30s"}, Format: "text"}, nil, "--parallelism 0 is out of range"},
		{driftOptions{commonOptions: commonOptions{Args: []string{"x"}}, engineOptions: defaultEngine, Format: "text"}, nil, "unexpected arguments x"},
	}
	for _, c := range drift {
		if err := c.o.check(c.pass); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
	}
	one := commonOptions{Units: []string{"network"}}
	imports := []struct {
		o    importOptions
		want string
	}{
		{importOptions{commonOptions: one, engineOptions: defaultEngine, Address: "aws_security_group", ID: "sg-1"}, `"aws_security_group" is not a resource address`},
		{importOptions{commonOptions: one, engineOptions: defaultEngine, Address: "data.aws_vpc.x", ID: "vpc-1"}, "data sources cannot be imported"},
		{importOptions{commonOptions: one, engineOptions: defaultEngine, Address: "aws_vpc.x", ID: " "}, "the resource ID is empty"},
		{importOptions{engineOptions: defaultEngine, Address: "aws_vpc.x", ID: "vpc-1"}, "import adopts into one unit: name it with --unit"},
		{importOptions{commonOptions: commonOptions{Units: []string{"a", "b"}}, engineOptions: defaultEngine, Address: "aws_vpc.x", ID: "vpc-1"}, "import adopts into one unit"},
		{importOptions{commonOptions: one, engineOptions: defaultEngine}, "import needs ADDRESS and ID"},
		{importOptions{engineOptions: defaultEngine, Write: true}, "--write goes with --discover"},
		{importOptions{commonOptions: commonOptions{Args: []string{"x"}}, engineOptions: defaultEngine, Discover: true}, "import --discover takes no ADDRESS or ID"},
		{importOptions{engineOptions: defaultEngine, Discover: true, AutoApprove: true}, "--auto-approve goes with an import of ADDRESS ID"},
	}
	for _, c := range imports {
		if err := c.o.check(nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
	}
	ok := importOptions{commonOptions: one, engineOptions: defaultEngine, Address: `module.app["x"].aws_vpc.x[0]`, ID: "vpc-1"}
	if err := ok.check(nil); err != nil {
		t.Errorf("valid import refused: %v", err)
	}
}

// Without a terminal and --auto-approve, drift --accept and import refuse
// before anything is read or written.
func TestAcceptAndImportWithoutTerminalRefuse(t *testing.T) {
	dir := twoUnitTree(t)
	for _, run := range []func(a *app) error{
		func(a *app) error {
			return a.runDrift(context.Background(), &driftOptions{commonOptions: commonOptions{Env: "dev"}, engineOptions: defaultEngine, Format: "text", Accept: true})
		},
		func(a *app) error {
			return a.runImport(context.Background(), &importOptions{commonOptions: commonOptions{Env: "dev", Units: []string{"net"}}, engineOptions: defaultEngine, Address: "terraform_data.x", ID: "x"})
		},
	} {
		a, _, _ := terminalApp(t, dir)
		a.streams.SetInTTY(false)
		err := run(a)
		if err == nil || !strings.Contains(err.Error(), "needs --auto-approve") {
			t.Errorf("without a terminal: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".stackctl")); err == nil {
		t.Errorf("a refused command still did work in %s", dir)
	}
}
