package cli

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/terraform"
)

var runExamples = map[string]string{
	"init": `  stackctl init dev
  stackctl init prod --unit network`,
	"validate": `  stackctl validate staging
  stackctl validate prod --json`,
	"plan": `  stackctl plan dev
  stackctl plan dev --unit database            # database only; network's outputs are read from its state
  stackctl plan prod --detailed-exitcode       # exit 2 when any unit has changes
  stackctl plan dev -- -target=aws_ecs_service.api -refresh=false`,
	"apply": `  stackctl apply dev                           # asks for confirmation on a terminal
  stackctl apply dev --auto-approve --parallelism 4
  stackctl apply prod --unit 'apps/*' --auto-approve`,
	"destroy": `  stackctl destroy dev --auto-approve          # dependents first
  stackctl destroy dev --unit edge --auto-approve`,
}

func defaultParallelism() int { return max(2, runtime.NumCPU()) }

func (a *app) runCommand(name, usage string) *ucli.Command {
	cmd := ops.Command(name)
	flags := commonFlags(unitFlag, jsonFlag,
		&ucli.IntFlag{Name: "parallelism", Aliases: []string{"p"}, Value: defaultParallelism(), Usage: "run at most `N` units at once", EnvVars: envVar("PARALLELISM")},
		&ucli.StringFlag{Name: "lock-timeout", Value: "30s", Usage: "how long terraform waits for a state lock held by another run (`DURATION`: 0s, 30s, 5m)", EnvVars: envVar("LOCK_TIMEOUT")},
		&ucli.BoolFlag{Name: "stream", Usage: "stream terraform's output with a [unit] prefix even on a terminal", EnvVars: envVar("STREAM")},
	)
	switch cmd {
	case ops.Plan:
		flags = append(flags, &ucli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when any unit has changes, 0 when none", EnvVars: envVar("DETAILED_EXITCODE")})
	case ops.Apply, ops.Destroy:
		flags = append(flags, &ucli.BoolFlag{Name: "auto-approve", Usage: "do not ask for confirmation", EnvVars: envVar("AUTO_APPROVE")})
	}
	order := "in dependency order"
	if cmd == ops.Destroy {
		order += " (reversed: dependents first)"
	}
	return &ucli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: "ENV [-- terraform args]",
		Description: `Runs terraform ` + name + ` in every selected unit, ` + order + `,
in parallel where the graph allows. A unit's dependencies are read from state, never run,
when they are not selected. When a unit fails, its dependents are skipped and the others go on.
On a terminal a live status view is shown; otherwise terraform's output is streamed with a
[unit] prefix. Every unit's full output is logged under .stackctl/logs/<env>/<unit>/.

Examples:
` + runExamples[name],
		Flags:  flags,
		Action: func(c *ucli.Context) error { return a.run(c, cmd) },
	}
}

func (a *app) run(c *ucli.Context, cmd ops.Command) error {
	s, err := a.load(c)
	if err != nil {
		return err
	}
	if (cmd == ops.Init || cmd == ops.Validate) && len(a.passThrough) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%s takes no terraform arguments after \"--\" (they go to plan, apply and destroy); drop %s", cmd, strings.Join(a.passThrough, " "))}
	}
	pass, err := terraform.ParsePassThrough(a.passThrough, a.cwd)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	order := s.ordered()
	if len(order) == 0 {
		envDir := s.stack.Display(s.stack.Env.Dir)
		return &exitError{code: 1, err: fmt.Errorf("environment %s has no units: %s holds no folder with a unit.hcl; add one (for example %s/network/unit.hcl with source = \"../../../modules/network\")",
			s.stack.Env.Name, envDir, envDir)}
	}
	if lt := c.String("lock-timeout"); lt != "" {
		if _, err := time.ParseDuration(lt); err != nil {
			return &exitError{code: 1, err: fmt.Errorf("--lock-timeout %q is not a duration (use 30s, 5m, …)", lt)}
		}
	}
	if (cmd == ops.Apply || cmd == ops.Destroy) && !c.Bool("auto-approve") {
		question := fmt.Sprintf("Do you want to apply %d unit(s) of %s?\n  %s", len(order), s.stack.Env.Name, strings.Join(order, ", "))
		if cmd == ops.Destroy {
			question = fmt.Sprintf("Do you really want to destroy every resource of %d unit(s) of %s?\n  %s\n  There is no undo.", len(order), s.stack.Env.Name, strings.Join(order, ", "))
		}
		if err := a.confirm(string(cmd), question); err != nil {
			return err
		}
	}

	root := s.stack.Root
	states := backend.NewOpener(s.stack.Env.Name)
	if cmd != ops.Validate {
		// Every selected unit's state and every dependency's is used:
		// check remote state can be reached before any terraform runs.
		if err := states.Check(c.Context, s.touched()); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	tf, err := a.terraformSession(c, root)
	if err != nil {
		return err
	}
	engine := &ops.Engine{
		Stack: s.stack, Session: tf, States: states,
		LockTimeout: c.String("lock-timeout"), PassThrough: pass, FormatDiags: a.formatDiags(s.loader),
	}

	jsonOut := c.Bool("json")
	term := a.streams.Out
	if jsonOut {
		term = a.streams.ErrOut
	}
	logDir := filepath.Join(root.Dir, ".stackctl", "logs", s.stack.Env.Name)
	progress := report.NewProgress(report.ProgressOptions{
		Command: string(cmd), Env: s.stack.Env.Name, LogDir: logDir,
		Live: !jsonOut && !c.Bool("stream") && a.streams.OutIsTerminal(),
		Term: term, Color: !jsonOut && a.streams.ColorOut(), Height: a.streams.Height(), Width: a.streams.Width(),
	})
	t0 := time.Now()
	results := runner.Run(c.Context, runner.Options{
		Graph: s.graph, Selected: s.selected, Parallelism: c.Int("parallelism"),
		Reverse: cmd == ops.Destroy, Independent: cmd == ops.Validate || cmd == ops.Init, Observer: progress,
	}, engine.Job(cmd))
	progress.Close()
	if cmd == ops.Destroy {
		slices.Reverse(order)
	}
	sum := report.NewSummary(string(cmd), s.stack.Env.Name, order, results, progress.LogPath, time.Since(t0))

	if jsonOut {
		if err := sum.WriteJSON(a.streams.Out); err != nil {
			return err
		}
	} else {
		progress.WriteCaptured(a.streams.Out, results)
		fmt.Fprintln(a.streams.Out)
		sum.WriteTable(a.streams.Out, a.streams.ColorOut(), s.stack.Display(logDir))
	}
	switch {
	case runner.AnyFailed(results):
		return exitCode(1)
	case cmd == ops.Plan && c.Bool("detailed-exitcode") && sum.Changes:
		return exitCode(2)
	}
	return nil
}
