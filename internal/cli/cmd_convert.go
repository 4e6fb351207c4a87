package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/convert"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/report"
)

type convertOptions struct {
	From    string // the tool the tree is written for: terragrunt
	Dir     string
	Out     string
	Project string
	EnvFile string
	JSON    bool
	Args    []string
}

func (a *app) convertCommand(runF func(*convertOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:      "convert",
		Usage:     "write the stackctl equivalent of a Terragrunt live tree",
		ArgsUsage: "terragrunt [DIR] --out DIR",
		Description: `Reads the Terragrunt tree at DIR (default: the current folder; the folder of root.hcl or of
the root terragrunt.hcl) and writes a stackctl tree into --out, which must not exist or be
empty: stackctl.hcl from the root configuration, infra/live/<env>/env.hcl per environment (the
account, region and env files each environment reads folded into env vars),
infra/units/<component>.hcl per included common file (_envcommon), and a unit.hcl per unit
holding only what it sets itself. The Terragrunt files are only read.

Everything that has no stackctl form is listed with its file and line and why; the rest of the
tree is written all the same (exit code 0). docs/convert-terragrunt.md has the whole mapping.

Examples:
  stackctl convert terragrunt . --out ../live-stackctl
  stackctl convert terragrunt infrastructure-live --out stackctl-live --project shop
  stackctl convert terragrunt live --out new --json | jq '.not_converted'`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "out", Usage: "the folder to write the stackctl tree into (must not exist or be empty)", EnvVars: envVar("CONVERT_OUT")},
			&ucli.StringFlag{Name: "project", Usage: "the project name in stackctl.hcl (default: DIR's folder name)", EnvVars: envVar("CONVERT_PROJECT")},
			&ucli.StringFlag{Name: "env-file", Value: "env.hcl", Usage: "the Terragrunt file that marks an environment folder", EnvVars: envVar("CONVERT_ENV_FILE")},
			jsonFlag(),
		},
		Action: func(c *ucli.Context) error {
			o := &convertOptions{Out: c.String("out"), Project: c.String("project"), EnvFile: c.String("env-file"), JSON: c.Bool("json"), Dir: "."}
			args := c.Args().Slice()
			if len(args) > 0 {
				o.From, args = args[0], args[1:]
			}
			if len(args) > 0 {
				o.Dir, o.Args = args[0], args[1:]
			}
			if runF != nil {
				return runF(o)
			}
			return a.runConvert(c.Context, o)
		},
	}
}

func (a *app) runConvert(_ context.Context, o *convertOptions) error {
	usage := "stackctl convert terragrunt [DIR] --out DIR"
	switch {
	case o.From == "":
		return &exitError{code: 1, err: fmt.Errorf("convert needs what to convert from: %s", usage)}
	case o.From != "terragrunt":
		return &exitError{code: 1, err: fmt.Errorf("stackctl converts Terragrunt trees only, not %q: %s", o.From, usage)}
	case len(o.Args) > 0:
		return &exitError{code: 1, err: fmt.Errorf("unexpected arguments %s: %s", strings.Join(o.Args, " "), usage)}
	case o.Out == "":
		return &exitError{code: 1, err: fmt.Errorf("convert needs --out DIR, a folder that does not exist yet (or an empty one): %s", usage)}
	}
	dir, out := a.abs(o.Dir), a.abs(o.Out)
	if err := convert.CheckOut(out); err != nil {
		return &exitError{code: 1, err: err}
	}
	res, diags := convert.Convert(convert.Options{Dir: dir, Out: out, Project: o.Project, EnvFile: o.EnvFile})
	if diags.HasErrors() {
		diag.Write(a.streams.ErrOut, diags, convert.Sources(diags), a.streams.ColorErr(), a.streams.Width())
		return exitCode(1)
	}
	if err := res.Write(out); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("writing the stackctl tree: %w", err)}
	}
	if o.JSON {
		return report.WriteJSON(a.streams.Out, res)
	}
	res.WriteText(a.streams.Out, a.display(out), func(rel string) string { return a.display(filepath.Join(dir, rel)) })
	return nil
}

func (a *app) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(a.cwd, p)
}

// display shows p relative to the working folder when it is below it.
func (a *app) display(p string) string {
	if r, err := filepath.Rel(a.cwd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
