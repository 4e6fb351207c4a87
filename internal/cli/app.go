// Package cli is stackctl's command line: urfave/cli wiring that fills an
// options value per command and calls the packages that do the work.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/iostreams"
)

// Version is set at build time (-ldflags "-X ...cli.Version=v1.2.3").
var Version = "dev"

// exitError carries an exit code; printed says the message was already
// shown (diagnostics with snippets), so Main prints nothing more.
type exitError struct {
	code    int
	err     error
	printed bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func exitCode(code int) error { return &exitError{code: code, printed: true} }

// app is one invocation: its streams and environment, never globals.
type app struct {
	streams *iostreams.IOStreams
	getenv  func(string) (string, bool)
	environ []string
	cwd     string
	// passThrough are the arguments after "--", for terraform.
	passThrough []string
	// changed is what --changed-since selected, once the environment is
	// loaded.
	changed *changed
	// notes are said at the end of a run's summary (units not planned).
	notes []string
}

// Main runs stackctl with args (including the program name) and returns
// the exit code. ctx is cancelled on the first SIGINT or SIGTERM.
func Main(ctx context.Context, args []string, streams *iostreams.IOStreams) int {
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(streams.ErrOut, "stackctl: cannot read the working directory: %v\n", err)
		return 1
	}
	a := &app{streams: streams, getenv: os.LookupEnv, environ: os.Environ(), cwd: cwd}
	ua := a.build()
	args, a.passThrough = reorderArgs(ua, args)
	err = ua.RunContext(ctx, args)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if !ee.printed && ee.err != nil {
			fmt.Fprintf(streams.ErrOut, "stackctl: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(streams.ErrOut, "stackctl: %v\n", err)
	return 1
}

func (a *app) build() *ucli.App {
	ua := &ucli.App{
		Name:    "stackctl",
		Usage:   "orchestrate Terraform across an environment's units",
		Version: Version,
		Description: `stackctl reads one environment of a live tree (stackctl.hcl, infra/live/<env>/env.hcl,
infra/live/<env>/<unit>/unit.hcl), renders each unit's inputs from the root, env and unit
layers, orders the units by their dependencies and runs terraform across them in parallel.
Dependency outputs are read straight from state.

Every flag can also be set with a STACKCTL_* environment variable (shown in each command's
help); the environment can be given as STACKCTL_ENV.

In CI (CI=true) there is no live view and nothing is asked: apply and destroy need
--auto-approve, or apply --plan DIR with plans saved by plan --out. On GitHub Actions
(GITHUB_ACTIONS=true) configuration errors are also written as annotations.

Exit codes: 0 success; 1 error (bad configuration, a failed unit, a failed verify check, …);
2 changes present (plan --detailed-exitcode), drift found (drift) or undeclared differences (diff-env).`,
		UsageText:              "stackctl <command> [ENV] [flags] [-- terraform args]",
		HideHelpCommand:        true,
		UseShortOptionHandling: true,
		Writer:                 a.streams.Out,
		ErrWriter:              a.streams.ErrOut,
		ExitErrHandler:         func(*ucli.Context, error) {},
		OnUsageError:           usageError,
		Action:                 unknownCommand,
		Commands: []*ucli.Command{
			a.listCommand(nil),
			a.graphCommand(nil),
			a.renderCommand(nil),
			a.runCommand("init", "prepare every unit's working folder and run terraform init", nil),
			a.runCommand("validate", "run terraform validate in every unit", nil),
			a.runCommand("plan", "plan every unit, in dependency order", nil),
			a.runCommand("apply", "apply every unit, in dependency order", nil),
			a.runCommand("destroy", "destroy every unit, in reverse dependency order", nil),
			a.outputCommand(nil),
			a.execCommand(nil),
			a.bootstrapCommand(nil),
			a.driftCommand(nil),
			a.importCommand(nil),
			a.forceUnlockCommand(nil),
			a.renameAppCommand(nil),
			a.mvUnitCommand(nil),
			a.stateCommand(stateRuns{}),
			a.diffEnvCommand(nil),
			a.verifyCommand(nil),
			a.ciCommand(nil, nil),
			a.fmtCommand(nil),
			a.providersCommand(nil),
			a.convertCommand(nil),
			a.completionCommand(),
			a.completeCommand(),
		},
	}
	for _, cmd := range ua.Commands {
		cmd.OnUsageError = usageError
		for _, sub := range cmd.Subcommands {
			sub.OnUsageError = usageError
		}
	}
	return ua
}

// usageError replaces urfave/cli's reaction to a bad flag (the whole help
// on stdout, then the error) with one line on stderr that says where the
// help is.
func usageError(c *ucli.Context, err error, isSubcommand bool) error {
	help := "stackctl --help"
	if isSubcommand {
		help = "stackctl " + c.Command.Name + " --help"
	}
	return &exitError{code: 1, err: fmt.Errorf("%v; see %s", err, help)}
}

// unknownCommand runs when no command matched the first argument.
func unknownCommand(c *ucli.Context) error {
	switch {
	case !c.Args().Present():
		return ucli.ShowAppHelp(c)
	case c.Args().First() == "help" && c.Args().Len() > 1:
		return ucli.ShowCommandHelp(c, c.Args().Get(1))
	case c.Args().First() == "help":
		return ucli.ShowAppHelp(c)
	}
	return &exitError{code: 1, err: fmt.Errorf("unknown command %q; stackctl --help lists the commands", c.Args().First())}
}

// reorderArgs lets flags follow the environment name, as in
// `stackctl apply dev --auto-approve`: urfave/cli v2 stops parsing flags at
// the first positional argument, so flags are moved in front of it. The
// arguments after "--" are returned apart, for terraform.
func reorderArgs(ua *ucli.App, args []string) ([]string, []string) {
	if len(args) < 2 {
		return args, nil
	}
	var passThrough []string
	if len(args) > 1 && args[1] == "__complete" {
		// The completion helper gets the words typed so far, verbatim.
		return args, nil
	}
	for i, a := range args {
		if a == "--" {
			passThrough = append([]string(nil), args[i+1:]...)
			args = args[:i]
			break
		}
	}
	// Find the command: the first argument that is not a flag.
	ci := -1
	for i := 1; i < len(args); i++ {
		if !strings.HasPrefix(args[i], "-") {
			ci = i
			break
		}
	}
	if ci < 0 {
		return args, passThrough
	}
	cmd := ua.Command(args[ci])
	if cmd == nil || cmd.SkipFlagParsing {
		return args, passThrough
	}
	// A command with subcommands (ci matrix, providers lock): the flags
	// are the subcommand's, and go after its name.
	for len(cmd.Subcommands) > 0 && ci+1 < len(args) {
		sub := cmd.Command(args[ci+1])
		if sub == nil {
			break
		}
		cmd, ci = sub, ci+1
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*ucli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, positional []string
	rest := args[ci+1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if takesValue[name] && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out := append([]string(nil), args[:ci+1]...)
	out = append(out, flags...)
	return append(out, positional...), passThrough
}
