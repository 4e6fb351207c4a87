package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/ci"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/vcs"
)

type matrixOptions struct {
	commonOptions
}

type ciInitOptions struct {
	Root            string
	NoColor         bool
	Provider        string
	Args            []string
	Force           bool
	FanOut          bool
	WaveJobs        int
	Branch          string
	StackctlVersion string
}

func (a *app) ciCommand(matrixF func(*matrixOptions) error, initF func(*ciInitOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:  "ci",
		Usage: "CI helpers: a matrix of units in dependency waves, the GitHub Actions workflows",
		Subcommands: []*ucli.Command{
			{
				Name:      "matrix",
				Usage:     "print the selected units in dependency waves as JSON for a GitHub Actions matrix",
				ArgsUsage: "ENV",
				Description: `Prints one line of JSON: the selected units (all, --unit, --changed-since) in waves, where
every unit of a wave depends only on units of earlier waves, and jobs[k].matrix ready for
strategy.matrix (one job per unit; waves of more than 256 units are cut into parts).
See docs/ci.md.

Examples:
  stackctl ci matrix prod --changed-since origin/main >> "$GITHUB_OUTPUT"
  stackctl ci matrix dev | jq '.waves[].units'`,
				Flags: commonFlags(selectionFlags()...),
				Action: func(c *ucli.Context) error {
					o := &matrixOptions{}
					o.fill(a, c)
					if matrixF != nil {
						return matrixF(o)
					}
					return a.runMatrix(c.Context, o)
				},
			},
			{
				Name:      "init",
				Usage:     "write the GitHub Actions workflows for this repository",
				ArgsUsage: "github",
				Description: `Writes .github/workflows/stackctl-{test,plan,apply,drift}.yml at the top of the git
repository (and stackctl-apply-env.yml with --fan-out): fmt --check and validate on every
pull request, plan of the changed units with the plans uploaded, apply of exactly the reviewed
plans on merge (dev → staging → prod, each behind its GitHub environment), drift nightly.
Existing files are left alone unless --force. See docs/ci.md.

Examples:
  stackctl ci init github
  stackctl ci init github --fan-out --wave-jobs 12 --force`,
				Flags: []ucli.Flag{rootFlag(), noColorFlag(),
					&ucli.BoolFlag{Name: "force", Usage: "write over existing workflow files", EnvVars: envVar("FORCE")},
					&ucli.BoolFlag{Name: "fan-out", Usage: "apply one job per unit in dependency waves (stackctl ci matrix) instead of one job per environment", EnvVars: envVar("FAN_OUT")},
					&ucli.IntFlag{Name: "wave-jobs", Usage: "wave jobs in the fan-out workflow (`N`, default 8; implies --fan-out)", EnvVars: envVar("WAVE_JOBS")},
					&ucli.StringFlag{Name: "branch", Value: "main", Usage: "the `BRANCH` pull requests target and merges land on", EnvVars: envVar("BRANCH")},
					&ucli.StringFlag{Name: "stackctl-version", Value: "latest", Usage: "the stackctl `VERSION` the jobs go install", EnvVars: envVar("STACKCTL_VERSION")},
				},
				Action: func(c *ucli.Context) error {
					o := &ciInitOptions{Root: c.String("root"), NoColor: c.Bool("no-color"), Force: c.Bool("force"), FanOut: c.Bool("fan-out"),
						WaveJobs: c.Int("wave-jobs"), Branch: c.String("branch"), StackctlVersion: c.String("stackctl-version")}
					args := c.Args().Slice()
					if len(args) > 0 {
						o.Provider, o.Args = args[0], args[1:]
					}
					if initF != nil {
						return initF(o)
					}
					return a.runCIInit(c.Context, o)
				},
			},
		},
	}
}

func (a *app) runMatrix(ctx context.Context, o *matrixOptions) error {
	if err := o.noExtraArgs(); err != nil {
		return err
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{})
	if err != nil {
		return err
	}
	m, err := ci.BuildMatrix(e.Graph, e.Selected, ci.MatrixOptions{Env: e.Env()})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	out, err := m.JSON()
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	_, err = fmt.Fprintf(a.streams.Out, "%s\n", out)
	return err
}

// check refuses what ci init cannot write.
func (o *ciInitOptions) check() error {
	switch {
	case o.Provider == "":
		return &exitError{code: 1, err: errors.New("ci init needs the CI system to write for: stackctl ci init github")}
	case o.Provider != "github":
		return &exitError{code: 1, err: fmt.Errorf("ci init writes workflows for github only, not %q", o.Provider)}
	case len(o.Args) > 0:
		return &exitError{code: 1, err: fmt.Errorf("unexpected arguments %s", strings.Join(o.Args, " "))}
	case o.WaveJobs < 0 || o.WaveJobs > 64:
		return &exitError{code: 1, err: fmt.Errorf("--wave-jobs %d is out of range: give 1 to 64 wave jobs", o.WaveJobs)}
	}
	if o.WaveJobs > 0 {
		o.FanOut = true
	}
	return nil
}

func (a *app) runCIInit(ctx context.Context, o *ciInitOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	loader := config.NewLoader(config.Options{Dir: a.cwd, RootDir: o.Root, Getenv: a.getenv})
	root, diags := loader.Root()
	if diags.HasErrors() {
		a.writeLoaderDiags(loader, diags)
		return exitCode(1)
	}
	envs, diags := loader.Environments()
	if diags.HasErrors() {
		a.writeLoaderDiags(loader, diags)
		return exitCode(1)
	}
	top, err := vcs.TopLevel(ctx, root.Dir, a.environ)
	if err != nil {
		if !errors.Is(err, vcs.ErrNotRepository) {
			return &exitError{code: 1, err: err}
		}
		top = root.Dir
		fmt.Fprintf(a.streams.ErrOut, "stackctl: warning: %s is not in a git repository; writing the workflows under it (they belong at the repository's top level)\n", root.Dir)
	}
	rel := func(base, p string) string {
		r, err := filepath.Rel(realPath(base), realPath(p))
		if err != nil || strings.HasPrefix(r, "..") {
			return ""
		}
		return filepath.ToSlash(r)
	}
	files, err := ci.GitHubWorkflows(ci.GitHubOptions{
		Envs: ci.PromotionOrder(envs), Branch: o.Branch, RootDir: rel(top, root.Dir), PluginCacheDir: rel(root.Dir, root.PluginCacheDir),
		StackctlVersion: o.StackctlVersion, FanOut: o.FanOut, WaveJobs: o.WaveJobs,
	})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if err := ci.WriteFiles(top, files, o.Force); err != nil {
		return &exitError{code: 1, err: err}
	}
	for _, f := range files {
		fmt.Fprintf(a.streams.Out, "wrote %s\n", loader.Display(filepath.Join(top, filepath.FromSlash(f.Path))))
	}
	fmt.Fprintf(a.streams.Out, "\nEnvironments, in promotion order: %s. Set up the repository as docs/ci.md says (GitHub environments, the AWS role variables, branch protection).\n", strings.Join(ci.PromotionOrder(envs), " → "))
	return nil
}

func (a *app) writeLoaderDiags(l *config.Loader, diags hcl.Diagnostics) {
	diag.Write(a.streams.ErrOut, diags, l.Files(), a.streams.ColorErr(), a.streams.Width())
	a.annotate(diags)
}

func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}
