package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/terraform"
)

// ImportSpec is what to adopt into one unit.
type ImportSpec struct {
	Imports []adopt.Import
	// Name names the generated configuration file (generated_NAME.tf).
	Name string
}

// Adoption is what an import did in one unit (UnitResult.Data).
type Adoption struct {
	Imports []adopt.Import `json:"imports"`
	// Written are the files written into the unit folder, as shown; none
	// when nothing was written.
	Written []string `json:"written,omitempty"`
	// Generated is the generated configuration's file name, "" when every
	// address had a resource block.
	Generated string      `json:"generated,omitempty"`
	Fixes     []adopt.Fix `json:"repaired,omitempty"`
	// Variables stand for secrets terraform cannot read back; Missing
	// are those no stackctl input of the unit sets yet.
	Variables []adopt.Variable `json:"variables,omitempty"`
	Missing   []string         `json:"missing_inputs,omitempty"`
	// UnitFile is the unit.hcl where the missing inputs go, as shown.
	UnitFile string `json:"unit_file,omitempty"`
	// Check is the import plan's check; nil when no plan was made.
	Check *adopt.Check `json:"check,omitempty"`
}

// ImportPlan adopts resources into units (docs/drift.md, "Import"): the
// import blocks are written into the working folder first; configuration
// is generated for addresses without a resource block and repaired; with
// verify, the unit is planned and the plan checked (adopt.CheckPlan) and
// kept for ImportApply. Files reach the unit folder (imports.tf,
// generated_*.tf) only once terraform has read the objects, so a wrong ID
// writes nothing there; the user's module folder is never written.
// Without verify (import --discover --write, whose IDs the cloud just
// listed) the files are written after the configuration is generated and
// no plan is made.
func ImportPlan(specs map[string]ImportSpec, verify bool) Operation {
	return Operation{
		Name: "import", Deps: StateOnly, Order: Independent, Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			spec, ok := specs[u.Path()]
			if !ok || len(spec.Imports) == 0 {
				return UnitResult{Message: "nothing to import"}, nil
			}
			return importSteps(ctx, u, spec, verify)
		},
	}
}

func importSteps(ctx context.Context, u *Unit, spec ImportSpec, verify bool) (UnitResult, error) {
	st, b, err := u.State(ctx)
	if err != nil {
		return UnitResult{}, err
	}
	// A unit without state yet (st is nil) holds nothing an import could
	// clash with.
	for _, imp := range spec.Imports {
		if st == nil {
			break
		}
		if _, inst, err := st.Instance(imp.To.String()); err == nil && inst != nil {
			return UnitResult{}, &UnitError{Message: fmt.Sprintf("%s is already in the state of %s (%s): there is nothing to import; `terraform state rm` it first to import another object there", imp.To, u.Path(), b.Describe())}
		}
	}
	if err := u.Prepare(ctx); err != nil {
		return UnitResult{}, err
	}
	wd := u.Workdir().Dir
	a := &Adoption{Imports: spec.Imports, UnitFile: u.e.Stack.Display(u.Config.File)}
	undo := keepFile(filepath.Join(wd, adopt.ImportsFile))
	written := false
	defer func() {
		if !written {
			undo()
			if a.Generated != "" {
				_ = os.Remove(filepath.Join(wd, a.Generated))
			}
		}
	}()
	if _, err := adopt.WriteImports(wd, spec.Imports); err != nil {
		return UnitResult{}, &UnitError{Message: err.Error(), Err: err}
	}
	// Read before terraform writes the generated file: a file that does
	// not parse is Repair's to report.
	declared, err := adopt.Declared(wd)
	if err != nil {
		return UnitResult{}, err
	}
	var need []adopt.Import
	for _, imp := range spec.Imports {
		if declared.NeedsConfig(imp.To) {
			need = append(need, imp)
		}
	}
	var generated []byte
	if len(need) > 0 {
		if generated, err = u.generate(ctx, a, spec.Name, referables(st, declared)); err != nil {
			return UnitResult{}, err
		}
	}
	inputs := map[string]bool{}
	for _, in := range u.inputs {
		inputs[in.Name] = true
	}
	for _, v := range a.Variables {
		if !inputs[v.Name] {
			a.Missing = append(a.Missing, v.Name)
		}
	}
	if !verify || len(a.Variables) > 0 {
		// terraform read every object (to generate its configuration), or
		// the cloud listed it: the IDs exist, and the files go to the unit
		// folder now, for review or for the plan that needs the inputs.
		if err := u.writeAdoption(a, generated); err != nil {
			return UnitResult{}, err
		}
		written = true
		if !verify {
			return UnitResult{Message: adoptionNote(a), Data: a}, nil
		}
		if len(a.Missing) > 0 {
			return UnitResult{Data: a}, &UnitError{Message: missingInputs(u, a)}
		}
		// The inputs for the new variables are set: build the working
		// folder again from the unit folder, so that they are passed.
		u.wd.Close()
		if err := u.Setup(ctx); err != nil {
			return UnitResult{}, err
		}
	}
	p, err := u.Plan(ctx, terraform.PlanOptions{JSON: true})
	if err != nil {
		return UnitResult{Data: a}, err
	}
	if !written {
		if err := u.writeAdoption(a, generated); err != nil {
			return UnitResult{}, err
		}
		written = true
	}
	a.Check = adopt.CheckPlan(p.JSON, spec.Imports)
	res := u.Planned(p, true)
	res.Data = a
	res.Message = fmt.Sprintf("imports %d; changes nothing else", len(spec.Imports))
	if probs := a.Check.Problems(); !a.Check.OK {
		res.Message = "does more than import"
		if len(probs) > 0 {
			res.Message += ": " + probs[0]
		}
	}
	return res, nil
}

// generate plans with -generate-config-out and repairs what terraform
// wrote (docs/drift.md, steps 3 and 4), in the working folder. The plan
// itself may fail (an SSM SecureString's value cannot be read): what
// counts is that terraform read the objects and wrote their
// configuration. Literals that name one of refs, or a resource this plan
// imports (when it succeeded: its JSON has their values), become
// references to it; those that only an input of the unit carries become
// var.NAME. It returns the repaired file's content.
func (u *Unit) generate(ctx context.Context, a *Adoption, name string, refs []adopt.Referable) ([]byte, error) {
	wd := u.Workdir()
	a.Generated = generatedName(name, wd.Dir, u.Config.Dir)
	p, perr := u.Plan(ctx, terraform.PlanOptions{GenerateConfigOut: a.Generated})
	if perr == nil {
		refs = append(refs, imported(p.JSON)...)
	}
	p.Discard()
	src, err := os.ReadFile(filepath.Join(wd.Dir, a.Generated))
	if err != nil {
		a.Generated = ""
		if perr != nil {
			return nil, perr
		}
		return nil, u.Fail(fmt.Errorf("terraform generated no configuration for the imports: %w", err))
	}
	u.Step("repair configuration")
	schemas, err := wd.ProvidersSchema(ctx)
	if err != nil {
		return nil, u.Fail(err)
	}
	vo, err := wd.ValidateJSON(ctx)
	if err != nil {
		return nil, u.Fail(err)
	}
	declared, _ := terraform.DeclaredVariables(wd.Dir)
	rep, err := adopt.Repair(a.Generated, src, adopt.RepairOptions{Schemas: schemas, Diagnostics: vo.Diagnostics, Taken: func(n string) bool { return declared[n] }, Referable: refs, Inputs: linkable(u.inputs, declared)})
	if err != nil {
		return nil, &UnitError{Message: err.Error(), Err: err}
	}
	if err := os.WriteFile(filepath.Join(wd.Dir, a.Generated), rep.Src, 0o644); err != nil {
		return nil, err
	}
	a.Fixes, a.Variables = rep.Fixes, rep.Variables
	return rep.Src, nil
}

// writeAdoption writes the import blocks and the generated configuration
// into the unit folder.
func (u *Unit) writeAdoption(a *Adoption, generated []byte) error {
	dir := u.Config.Dir
	added, err := adopt.WriteImports(dir, a.Imports)
	if err != nil {
		return &UnitError{Message: err.Error(), Err: err}
	}
	if len(added) > 0 {
		a.Written = append(a.Written, u.e.Stack.Display(filepath.Join(dir, adopt.ImportsFile)))
	}
	if a.Generated != "" {
		path := filepath.Join(dir, a.Generated)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("writing the generated configuration: %w", err)
		}
		_, err = f.Write(generated)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		a.Written = append(a.Written, u.e.Stack.Display(path))
	}
	return nil
}

// generatedName is a generated_NAME.tf that exists in none of dirs:
// terraform refuses to write into an existing file, and the unit folder's
// must not be replaced.
func generatedName(name string, dirs ...string) string {
	for i := 1; ; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s_%d", name, i)
		}
		f := adopt.GeneratedFile(dirs[0], n)
		free := true
		for _, d := range dirs[1:] {
			if _, err := os.Stat(filepath.Join(d, f)); !errors.Is(err, os.ErrNotExist) {
				free = false
			}
		}
		if free {
			return f
		}
	}
}

// keepFile remembers a file's content and returns what puts it back (or
// removes it when it did not exist).
func keepFile(path string) func() {
	old, err := os.ReadFile(path)
	return func() {
		if err != nil {
			_ = os.Remove(path)
			return
		}
		_ = os.WriteFile(path, old, 0o644)
	}
}

func missingInputs(u *Unit, a *Adoption) string {
	var what []string
	for _, v := range a.Variables {
		for _, m := range a.Missing {
			if m == v.Name {
				what = append(what, fmt.Sprintf("%s (%s of %s)", v.Name, v.Attribute, v.Address))
			}
		}
	}
	return fmt.Sprintf("terraform cannot read back secrets of the imported objects: set the input(s) %s in %s to their real values (sensitive: use ssm_parameter() or get_env()), then run the import again; the files are left for review: %s",
		strings.Join(what, ", "), u.e.Stack.Display(u.Config.File), strings.Join(a.Written, ", "))
}

func adoptionNote(a *Adoption) string {
	s := fmt.Sprintf("%d import(s) written", len(a.Imports))
	if len(a.Missing) > 0 {
		s += "; set input(s) " + strings.Join(a.Missing, ", ") + " before planning"
	}
	return s
}

// ImportApply applies the kept plans of an ImportPlan run whose checks
// passed: exactly the plans shown.
func ImportApply(plans *Result) Operation {
	return Operation{
		Name: "import", Deps: StateOnly, Order: Independent, Writes: true, Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) {
			pu := plans.Unit(u.Path())
			if pu == nil || pu.Plan == nil {
				return UnitResult{}, fmt.Errorf("%s has no import plan", u.Path())
			}
			if a, _ := pu.Data.(*Adoption); a == nil || a.Check == nil || !a.Check.OK {
				return UnitResult{}, fmt.Errorf("the import plan of %s does more than import: it is not applied", u.Path())
			}
			if err := u.Prepare(ctx); err != nil {
				return UnitResult{}, err
			}
			if err := u.Apply(ctx, pu.Plan); err != nil {
				return UnitResult{}, err
			}
			res := pu.UnitResult
			res.Plan = nil
			res.Message = "imported"
			return res, nil
		},
	}
}
