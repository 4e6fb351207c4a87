package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/terraform"
)

func envVar(name string) []string { return []string{"STACKCTL_" + name} }

var (
	rootFlag = &ucli.StringFlag{Name: "root", Usage: "repository root `DIR` (default: the nearest folder upward holding stackctl.hcl)", EnvVars: envVar("ROOT")}
	noColor  = &ucli.BoolFlag{Name: "no-color", Usage: "no colour in output (also NO_COLOR)", EnvVars: envVar("NO_COLOR")}
	unitFlag = &ucli.StringSliceFlag{Name: "unit", Aliases: []string{"u"}, Usage: "select units by `PATH` (repeatable; globs allowed: 'apps/*', '**/api'; a folder selects the units under it)", EnvVars: envVar("UNIT")}
	jsonFlag = &ucli.BoolFlag{Name: "json", Usage: "machine-readable output on stdout", EnvVars: envVar("JSON")}
)

func commonFlags(extra ...ucli.Flag) []ucli.Flag {
	return append([]ucli.Flag{rootFlag, noColor}, extra...)
}

// session is what a command has once the configuration is loaded.
type session struct {
	loader   *config.Loader
	stack    *config.Stack
	graph    *graph.Graph
	selected map[string]bool
}

// load evaluates the chosen environment and builds its graph, printing
// diagnostics (with snippets) on failure.
func (a *app) load(c *ucli.Context) (*session, error) {
	if c.Args().Len() > 1 {
		return nil, &exitError{code: 1, err: fmt.Errorf("unexpected arguments %s: terraform arguments go after \"--\"", strings.Join(c.Args().Slice()[1:], " "))}
	}
	return a.loadArgs(c, c.Args().First())
}

// loadArgs is load for commands with more arguments than ENV.
func (a *app) loadArgs(c *ucli.Context, env string) (*session, error) {
	if c.Bool("no-color") {
		a.streams.NoColor = true
	}
	if env == "" {
		env, _ = a.getenv("STACKCTL_ENV")
	}
	loader := config.NewLoader(config.Options{Dir: a.cwd, RootDir: c.String("root"), Getenv: a.getenv, SSM: a.ssmGetter(c.Context)})
	st, diags := loader.Load(env)
	if diags.HasErrors() {
		a.printDiags(loader, diags)
		return nil, exitCode(1)
	}
	a.printDiags(loader, diags) // warnings
	g, diags := graph.FromStack(st)
	if diags.HasErrors() {
		a.printDiags(loader, diags)
		return nil, exitCode(1)
	}
	sel, err := g.Select(splitPatterns(c.StringSlice("unit")))
	if err != nil {
		return nil, &exitError{code: 1, err: err}
	}
	return &session{loader: loader, stack: st, graph: g, selected: sel}, nil
}

func (a *app) ssmGetter(ctx context.Context) config.SSMGetter {
	return awsconf.NewSSM(ctx).Get
}

// splitPatterns accepts comma-separated lists too (STACKCTL_UNIT=a,b).
func splitPatterns(in []string) []string {
	var out []string
	for _, p := range in {
		for _, q := range strings.Split(p, ",") {
			if q = strings.TrimSpace(q); q != "" {
				out = append(out, q)
			}
		}
	}
	return out
}

func (a *app) printDiags(loader *config.Loader, diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	a.writeDiags(a.streams.ErrOut, loader, diags, a.streams.ColorErr())
}

func (a *app) writeDiags(w io.Writer, loader *config.Loader, diags hcl.Diagnostics, color bool) {
	diag.Write(w, diags, loader.Files(), color, a.streams.Width())
}

// formatDiags renders diagnostics to text for errors carried in results.
func (a *app) formatDiags(loader *config.Loader) func(hcl.Diagnostics) string {
	return func(diags hcl.Diagnostics) string {
		var b strings.Builder
		a.writeDiags(&b, loader, diags, false)
		return b.String()
	}
}

// ordered returns the selected units in dependency order.
func (s *session) ordered() []string { return s.graph.OrderOf(s.selected) }

// terraformSession finds terraform and writes the CLI configuration for
// the commands that run it.
func (a *app) terraformSession(c *ucli.Context, root *config.Root) (*terraform.Session, error) {
	_, offline := a.getenv("STACKCTL_OFFLINE")
	tf, err := terraform.NewSession(c.Context, terraform.SessionOptions{
		RootDir: root.Dir, Constraint: root.TerraformVersion, Mirror: root.ProviderMirror,
		PluginCacheDir: root.PluginCacheDir, Offline: offline, Environ: a.environ,
	})
	if err != nil {
		return nil, &exitError{code: 1, err: err}
	}
	return tf, nil
}

// confirm asks before a command that changes or releases state (what
// names it); without a terminal there is no one to ask, so it refuses.
func (a *app) confirm(what, question string) error {
	if !a.streams.InIsTerminal() {
		return &exitError{code: 1, err: fmt.Errorf("%s needs --auto-approve (or STACKCTL_AUTO_APPROVE=true) when no terminal is attached: there is no one to confirm it", what)}
	}
	ok, err := a.streams.Confirm(question)
	if err != nil || !ok {
		return &exitError{code: 1, err: fmt.Errorf("%s cancelled", what)}
	}
	return nil
}

// touched returns the selected units and the dependencies they read.
func (s *session) touched() []*config.Unit {
	seen := map[string]bool{}
	var out []*config.Unit
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, s.stack.Unit(p))
		}
	}
	for _, p := range s.ordered() {
		add(p)
		for _, d := range s.graph.Dependencies(p) {
			add(d)
		}
	}
	return out
}
