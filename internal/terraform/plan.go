package terraform

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
)

// PlanOptions shape one plan.
type PlanOptions struct {
	Destroy bool
	// RefreshOnly plans only the update of state to match reality (drift).
	RefreshOnly bool
	LockTimeout string // "" for terraform's default
	// JSON reads the saved plan with `terraform show -json` even when it has
	// no changes; otherwise it is read only when there are changes.
	JSON bool
	// GenerateConfigOut is -generate-config-out: configuration for import
	// blocks without a resource block is written there.
	GenerateConfigOut string
	// Extra are options translated from arguments after "--".
	Extra []tfexec.PlanOption
}

// Changes counts what a plan would do, as terraform's "Plan:" line does (a
// replacement counts as one add and one destroy). It is the one count of
// changes every command and view uses.
type Changes struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
	Import  int `json:"import,omitempty"`
	// Outputs reports changed root outputs (a plan with only output
	// changes still has changes).
	Outputs bool `json:"-"`
}

// Any reports whether a resource would be added, changed, destroyed or
// imported.
func (c Changes) Any() bool { return c.Add+c.Change+c.Destroy+c.Import > 0 }

// String is the summary terraform prints: "2 to add, 0 to change, 1 to
// destroy", with imports first when there are any.
func (c Changes) String() string {
	s := fmt.Sprintf("%d to add, %d to change, %d to destroy", c.Add, c.Change, c.Destroy)
	if c.Import > 0 {
		s = fmt.Sprintf("%d to import, ", c.Import) + s
	}
	return s
}

// Plan is a saved plan, kept until its owner discards it: later steps
// (apply of exactly this plan, drift, import checks, saved CI plans,
// markdown summaries) read it.
type Plan struct {
	HasChanges bool
	Changes    Changes
	// File is the saved plan, unique to this plan (mode 0600: plans can hold
	// secrets). The owner removes it with Discard.
	File string
	// JSON is the parsed plan (`terraform show -json`): set when the plan
	// has changes or PlanOptions.JSON asked for it.
	JSON *tfjson.Plan
	// Destroy and RefreshOnly say what kind of plan this is.
	Destroy, RefreshOnly bool
}

// newPlanFile reserves a plan file of its own in the unit's cache: two
// plans of one unit (a re-plan, a second run) never share a file.
func (w *Workdir) newPlanFile() (string, error) {
	dir := filepath.Join(w.CacheDir, "plans")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "plan-*.tfplan")
	if err != nil {
		return "", err
	}
	name := f.Name()
	_ = f.Chmod(0o600)
	f.Close()
	return name, nil
}

// Plan runs `terraform plan -out` and, only when there are changes (or
// o.JSON), reads the saved plan with `terraform show -json`: a no-op plan
// costs one terraform process. The plan is returned even with an error:
// terraform saves a plan that failed part-way too, and Discard must remove
// it.
func (w *Workdir) Plan(ctx context.Context, o PlanOptions) (*Plan, error) {
	file, err := w.newPlanFile()
	if err != nil {
		return nil, fmt.Errorf("reserving a plan file: %w", err)
	}
	p := &Plan{File: file, Destroy: o.Destroy, RefreshOnly: o.RefreshOnly}
	opts := []tfexec.PlanOption{tfexec.Out(p.File), tfexec.Destroy(o.Destroy)}
	if o.RefreshOnly {
		opts = append(opts, tfexec.RefreshOnly(true))
	}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
	}
	if o.GenerateConfigOut != "" {
		opts = append(opts, tfexec.GenerateConfigOut(o.GenerateConfigOut))
	}
	opts = append(opts, o.Extra...)
	if o.RefreshOnly || o.GenerateConfigOut != "" {
		// terraform-exec checks the version for these options, printing
		// `terraform version -json` into the unit's output unless known.
		if err := w.learnVersion(ctx); err != nil {
			return p, err
		}
	}
	changed, err := w.tf.Plan(ctx, opts...)
	if err != nil {
		return p, classify("plan", err)
	}
	_ = os.Chmod(p.File, 0o600)
	p.HasChanges = changed
	if !changed && !o.JSON {
		return p, nil
	}
	if p.JSON, err = w.ShowPlan(ctx, p.File); err != nil {
		return p, err
	}
	p.Changes = CountChanges(p.JSON)
	return p, nil
}

// ShowPlan reads a saved plan file as JSON. It runs `terraform show`
// itself rather than through terraform-exec, which would first run
// `terraform version` in this folder: a third process for every changed
// unit of a plan.
func (w *Workdir) ShowPlan(ctx context.Context, file string) (*tfjson.Plan, error) {
	var out bytes.Buffer
	if err := w.runStep(ctx, []string{"show", "-json", "-no-color", file}, &out); err != nil {
		return nil, err
	}
	var plan tfjson.Plan
	if err := plan.UnmarshalJSON(out.Bytes()); err != nil {
		return nil, &Error{Step: "show", Err: fmt.Errorf("reading terraform show -json of %s: %w", file, err)}
	}
	if err := plan.Validate(); err != nil {
		return nil, &Error{Step: "show", Err: fmt.Errorf("terraform show -json of %s: %w", file, err)}
	}
	return &plan, nil
}

// ShowPlanText writes a saved plan as terraform shows it to people, the
// diff without the refresh log of the plan run, to out and to the unit's
// output.
func (w *Workdir) ShowPlanText(ctx context.Context, file string, out io.Writer) error {
	return w.runStep(ctx, []string{"show", "-no-color", file}, io.MultiWriter(w.out, out))
}

// Discard removes the saved plan.
func (p *Plan) Discard() {
	if p != nil && p.File != "" {
		_ = os.Remove(p.File)
	}
}

// CountChanges counts a plan's resource changes the way terraform's
// summary line does.
func CountChanges(plan *tfjson.Plan) Changes {
	var c Changes
	for _, rc := range plan.ResourceChanges {
		if rc.Change == nil {
			continue
		}
		a := rc.Change.Actions
		switch {
		case a.Create():
			c.Add++
		case a.Update():
			c.Change++
		case a.Delete():
			c.Destroy++
		case a.Replace():
			c.Add++
			c.Destroy++
		}
		if rc.Change.Importing != nil {
			c.Import++
		}
	}
	c.Outputs = len(plan.OutputChanges) > 0 && outputsChange(plan)
	return c
}

func outputsChange(plan *tfjson.Plan) bool {
	for _, oc := range plan.OutputChanges {
		if oc != nil && !oc.Actions.NoOp() {
			return true
		}
	}
	return false
}
