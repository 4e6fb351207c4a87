package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/discover"
	"github.com/stackctl/stackctl/internal/hclfmt"
	"github.com/stackctl/stackctl/internal/report"
)

type fmtOptions struct {
	Root    string
	NoColor bool
	Check   bool
	JSON    bool
	Args    []string
}

func (a *app) fmtCommand(runF func(*fmtOptions) error) *ucli.Command {
	return &ucli.Command{
		Name:  "fmt",
		Usage: "format stackctl.hcl, env.hcl and unit.hcl files (--check: only report)",
		Description: `Formats stackctl's own HCL files under the repository root the way terraform fmt formats .tf
files. Hidden folders and folders holding a stackctl.hcl of their own are not entered. A file
with a syntax error is reported with its line and left alone; the others are still formatted.
With --check nothing is written: the files that are not formatted are listed and the exit
code is 1 when there are any.

Examples:
  stackctl fmt
  stackctl fmt --check`,
		Flags: []ucli.Flag{rootFlag(), noColorFlag(), jsonFlag(),
			&ucli.BoolFlag{Name: "check", Usage: "write nothing; list unformatted files and exit 1 when there are any", EnvVars: envVar("CHECK")},
		},
		Action: func(c *ucli.Context) error {
			o := &fmtOptions{Root: c.String("root"), NoColor: c.Bool("no-color"), Check: c.Bool("check"), JSON: c.Bool("json"), Args: c.Args().Slice()}
			if runF != nil {
				return runF(o)
			}
			return a.runFmt(c.Context, o)
		},
	}
}

func (a *app) runFmt(_ context.Context, o *fmtOptions) error {
	if len(o.Args) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("fmt takes no arguments (it formats every stackctl file under the root): drop %s", strings.Join(o.Args, " "))}
	}
	if o.NoColor {
		a.streams.NoColor = true
	}
	root := o.Root
	if root != "" {
		root = a.absPath(root)
	} else {
		var err error
		if root, err = discover.FindRoot(a.cwd); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	display := func(abs string) string {
		if rel, err := filepath.Rel(a.cwd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
		return abs
	}
	res, err := hclfmt.Run(hclfmt.Options{Root: root, Check: o.Check, Display: display})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if len(res.Diagnostics) > 0 {
		diag.Write(a.streams.ErrOut, res.Diagnostics, res.Sources, a.streams.ColorErr(), a.streams.Width())
		a.annotate(res.Diagnostics)
	}
	if o.JSON {
		doc := struct {
			Files       []string `json:"files"`
			Unformatted []string `json:"unformatted"`
			Check       bool     `json:"check"`
			Errors      []string `json:"errors"`
		}{Files: nonNil(res.Files), Unformatted: nonNil(res.Unformatted), Check: o.Check, Errors: diagLines(res.Diagnostics)}
		if err := report.WriteJSON(a.streams.Out, doc); err != nil {
			return err
		}
	} else {
		for _, f := range res.Unformatted {
			fmt.Fprintln(a.streams.Out, f)
		}
	}
	if o.Check {
		for _, f := range res.Unformatted {
			a.annotateFile("error", f, "not formatted: run stackctl fmt")
		}
		if len(res.Unformatted) > 0 && !o.JSON {
			fmt.Fprintf(a.streams.ErrOut, "stackctl: %d file(s) not formatted (listed above): run stackctl fmt\n", len(res.Unformatted))
		}
	}
	if !res.OK(o.Check) {
		return exitCode(1)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func diagLines(diags hcl.Diagnostics) []string {
	out := []string{}
	for _, d := range diags {
		s := d.Summary
		if d.Subject != nil {
			s = diag.At(*d.Subject) + ": " + s
		}
		out = append(out, s)
	}
	return out
}
