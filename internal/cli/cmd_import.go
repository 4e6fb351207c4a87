package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/ops"
	"github.com/stackctl/stackctl/internal/report"
)

type importOptions struct {
	commonOptions
	engineOptions
	// Address and ID are the resource to adopt (without --discover).
	Address, ID string
	Discover    bool
	Write       bool
	JSON        bool
	AutoApprove bool
}

func (a *app) importCommand(runF func(*importOptions) error) *ucli.Command {
	flags := commonFlags(unitFlag(), jsonFlag(), autoApproveFlag(),
		&ucli.BoolFlag{Name: "discover", Usage: "list the environment's resources (by its tags) that no unit's state manages", EnvVars: envVar("DISCOVER")},
		&ucli.BoolFlag{Name: "write", Usage: "with --discover: write their import blocks and configuration into the suggested units", EnvVars: envVar("WRITE")})
	return &ucli.Command{
		Name:      "import",
		Usage:     "adopt resources created outside Terraform (import blocks, generated configuration, plan-verified)",
		ArgsUsage: "ENV --unit UNIT ADDRESS ID | ENV --discover [--write]",
		Description: `With ADDRESS and ID, adopts one object into one unit: an import block goes into the unit
folder's imports.tf and, when ADDRESS has no resource block yet, terraform generates its
configuration into a generated_*.tf there, repaired where terraform is known to get it wrong
(computed values, conflicting arguments; a secret it cannot read becomes a variable you set as
a stackctl input). The plan is shown, and applied after one confirmation (or --auto-approve)
only when it imports ADDRESS and changes nothing else; otherwise what differs is printed and
the files are left for review. A bad address, an unknown unit or an ID that does not exist
writes nothing. The user's module folder is never written.

With --discover, lists the resources carrying the environment's tags (the discover block of
stackctl.hcl; by default Project and Environment) and what a dashboard attached to managed
resources, that no unit's state manages: type, ID, the suggested unit and address. --write
writes their import blocks and configuration into those units; the next plan shows the imports
and apply adopts them.

Examples:
  stackctl import prod --unit network aws_security_group.extra sg-0abc
  stackctl import prod --discover
  stackctl import prod --discover --write`,
		Flags: append(flags, engineFlags()...),
		Action: func(c *ucli.Context) error {
			o := &importOptions{Discover: c.Bool("discover"), Write: c.Bool("write"), JSON: c.Bool("json"), AutoApprove: c.Bool("auto-approve")}
			o.commonOptions.fill(a, c)
			o.engineOptions.fill(c)
			if !o.Discover && len(o.Args) == 2 {
				o.Address, o.ID, o.Args = o.Args[0], o.Args[1], nil
			}
			if runF != nil {
				return runF(o)
			}
			return a.runImport(c.Context, o)
		},
	}
}

// check refuses what cannot be an import before anything is loaded: a bad
// address writes nothing.
func (o *importOptions) check(passThrough []string) error {
	fail := func(format string, args ...any) error { return &exitError{code: 1, err: fmt.Errorf(format, args...)} }
	if len(passThrough) > 0 {
		return fail("import takes no terraform arguments after \"--\"; drop %s", strings.Join(passThrough, " "))
	}
	switch {
	case o.Discover && len(o.Args) > 0:
		return fail("import --discover takes no ADDRESS or ID (got %s): it finds them", strings.Join(o.Args, " "))
	case o.Discover && o.AutoApprove:
		return fail("--auto-approve goes with an import of ADDRESS ID: --discover --write only writes files, the next apply imports")
	case o.Write && !o.Discover:
		return fail("--write goes with --discover")
	case !o.Discover && o.Address == "":
		return fail("import needs ADDRESS and ID: stackctl import ENV --unit UNIT ADDRESS ID (or --discover)")
	case !o.Discover && len(o.Units) != 1:
		return fail("import adopts into one unit: name it with --unit UNIT")
	}
	if !o.Discover {
		if _, err := adopt.ParseAddress(o.Address); err != nil {
			return fail("%v", err)
		}
		if strings.TrimSpace(o.ID) == "" {
			return fail("the resource ID is empty: give the ID terraform imports %s by", o.Address)
		}
	}
	return o.run(o.commonOptions, "import", o.JSON).check()
}

func (a *app) runImport(ctx context.Context, o *importOptions) error {
	if err := o.check(a.passThrough); err != nil {
		return err
	}
	if !o.Discover && !o.AutoApprove {
		if err := a.canConfirm("import"); err != nil {
			return err
		}
	}
	e, err := a.engine(ctx, o.commonOptions, ops.Options{LockTimeout: o.LockTimeout, StallTimeout: o.StallTimeout})
	if err != nil {
		return err
	}
	if o.Discover {
		return a.runDiscover(ctx, e, o)
	}
	units := e.Ordered()
	if len(units) != 1 {
		return &exitError{code: 1, err: fmt.Errorf("import adopts into one unit; --unit %s selects %d: %s", o.Units[0], len(units), strings.Join(units, ", "))}
	}
	unit := units[0]
	addr, _ := adopt.ParseAddress(o.Address)
	specs := map[string]ops.ImportSpec{unit: {Imports: []adopt.Import{{To: addr, ID: o.ID}}, Name: addr.Type + "_" + addr.Name}}
	format := "text"
	if o.JSON {
		format = "json"
	}
	ro := o.run(o.commonOptions, "import", o.JSON)
	progress := a.reportProgress(e, ro, format, report.ProgressOptions{Command: "plan", Title: "import (planning)", LogName: "import-plan"})
	plans, err := e.Run(ctx, ops.ImportPlan(specs, true), ops.RunOptions{Parallelism: o.Parallelism, Observer: progress})
	progress.Close()
	if err != nil {
		return a.fail(e, err)
	}
	defer plans.Discard()
	progress.WriteCaptured(a.streams.Out, plans.Units)
	uo := plans.Unit(unit)
	ad, _ := uo.Data.(*ops.Adoption)
	if !o.JSON && ad != nil {
		fmt.Fprintln(a.streams.Out)
		report.WriteAdoption(a.streams.Out, unit, ad)
	}
	result := func(applied bool, code int) error {
		if o.JSON {
			_ = report.WriteJSON(a.streams.Out, importJSON{Unit: unit, Adoption: ad, Applied: applied, Error: errText(a, e, uo.Err)})
		}
		return exitWith(code)
	}
	if uo.Status != ops.Succeeded {
		fmt.Fprintf(a.streams.ErrOut, "stackctl: %s: nothing was imported: %s\n", unit, a.formatError(e)(uo.Err))
		if p := progress.LogPath(unit); p != "" {
			fmt.Fprintf(a.streams.ErrOut, "stackctl: the full output is in %s\n", p)
		}
		return result(false, 1)
	}
	if ad == nil || ad.Check == nil || !ad.Check.OK {
		var written []string
		if ad != nil {
			written = ad.Written
		}
		fmt.Fprintf(a.streams.ErrOut, "stackctl: %s: not imported: the plan does more than import %s (see above); the files are left for review: %s\n",
			unit, o.Address, strings.Join(written, ", "))
		return result(false, 1)
	}
	if !o.AutoApprove {
		question := fmt.Sprintf("\nDo you want to import %s (ID %s) into %s of %s? The plan changes nothing else.", o.Address, o.ID, unit, e.Env())
		if err := a.confirm("import", question); err != nil {
			return err
		}
	}
	progress = a.reportProgress(e, ro, format, report.ProgressOptions{Command: "import"})
	res, err := e.Run(ctx, ops.ImportApply(plans), ops.RunOptions{Selected: map[string]bool{unit: true}, Parallelism: 1, Observer: progress})
	progress.Close()
	if err != nil {
		return a.fail(e, err)
	}
	defer res.Discard()
	if !o.JSON {
		progress.WriteCaptured(a.streams.Out, res.Units)
		fmt.Fprintln(a.streams.Out)
		report.NewSummary(res, report.SummaryOptions{LogPath: progress.LogPath, FormatError: a.formatError(e)}).
			WriteTable(a.streams.Out, a.streams.ColorOut(), e.Stack.Display(a.logDir(e)))
	}
	if res.Failed() {
		return result(false, 1)
	}
	return result(true, 0)
}

type importJSON struct {
	Unit     string        `json:"unit"`
	Adoption *ops.Adoption `json:"adoption,omitempty"`
	Applied  bool          `json:"applied"`
	Error    string        `json:"error,omitempty"`
}

func errText(a *app, e *ops.Engine, err error) string {
	if err == nil {
		return ""
	}
	return a.formatError(e)(err)
}

// runDiscover lists what no unit's state manages and, with --write, writes
// the imports into the suggested units.
func (a *app) runDiscover(ctx context.Context, e *ops.Engine, o *importOptions) error {
	cfg, err := awsconf.LoadWith(ctx, awsconf.Options{})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	found, err := e.Discover(ctx, cfg)
	if err != nil {
		return a.fail(e, err)
	}
	if !o.Write {
		if o.JSON {
			return report.WriteJSON(a.streams.Out, discoveredJSON(found, nil))
		}
		report.WriteDiscovered(a.streams.Out, e.Env(), found)
		if len(found) > 0 {
			fmt.Fprintf(a.streams.Out, "stackctl import %s --discover --write adopts those with a unit into it.\n", e.Env())
		}
		return nil
	}
	specs, err := ops.DiscoveredImports(found)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if !o.JSON {
		report.WriteDiscovered(a.streams.Out, e.Env(), found)
	}
	if len(specs) == 0 {
		if !o.JSON {
			fmt.Fprintln(a.streams.Out, "Nothing to write.")
		} else {
			return report.WriteJSON(a.streams.Out, discoveredJSON(found, nil))
		}
		return nil
	}
	selected := map[string]bool{}
	for u := range specs {
		selected[u] = true
	}
	format := "text"
	if o.JSON {
		format = "json"
	}
	progress := a.reportProgress(e, o.run(o.commonOptions, "import", o.JSON), format, report.ProgressOptions{Command: "import", Title: "import --discover --write", LogName: "import-discover"})
	res, err := e.Run(ctx, ops.ImportPlan(specs, false), ops.RunOptions{Selected: selected, Parallelism: o.Parallelism, Observer: progress})
	progress.Close()
	if err != nil {
		return a.fail(e, err)
	}
	defer res.Discard()
	if o.JSON {
		_ = report.WriteJSON(a.streams.Out, discoveredJSON(found, res))
	} else {
		progress.WriteCaptured(a.streams.Out, res.Units)
		fmt.Fprintln(a.streams.Out)
		missing := false
		for _, uo := range res.Units {
			if ad, _ := uo.Data.(*ops.Adoption); ad != nil {
				report.WriteAdoption(a.streams.Out, uo.Unit, ad)
				missing = missing || len(ad.Missing) > 0
			} else if uo.Status != ops.Succeeded {
				fmt.Fprintf(a.streams.Out, "%s: nothing written: %s\n", uo.Unit, errText(a, e, uo.Err))
			}
		}
		next := fmt.Sprintf("stackctl plan %s shows the imports; stackctl apply %s adopts them.", e.Env(), e.Env())
		if missing {
			next = "Set the inputs named above first; then " + next
		}
		fmt.Fprintln(a.streams.Out, "\n"+next)
	}
	if res.Failed() {
		return exitCode(1)
	}
	return nil
}

type discoveredUnit struct {
	Unit     string        `json:"unit"`
	Adoption *ops.Adoption `json:"adoption,omitempty"`
	Error    string        `json:"error,omitempty"`
}

func discoveredJSON(found []*adopt.Unmanaged, res *ops.Result) map[string]any {
	if found == nil {
		found = []*adopt.Unmanaged{}
	}
	out := map[string]any{"unmanaged": found}
	if res != nil {
		var units []discoveredUnit
		for _, uo := range res.Units {
			du := discoveredUnit{Unit: uo.Unit}
			du.Adoption, _ = uo.Data.(*ops.Adoption)
			if uo.Err != nil {
				du.Error = uo.Err.Error()
			}
			units = append(units, du)
		}
		sort.Slice(units, func(i, j int) bool { return units[i].Unit < units[j].Unit })
		out["written"] = units
	}
	return out
}
