package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/terraform"
)

// SavedPlan is what SavePlans and ApplySaved report for a unit in
// UnitResult.Data: where its saved plan is.
type SavedPlan struct {
	Dir string
	// Text is the plan as terraform shows it, secrets masked ("" for a
	// plan without changes).
	Text string
}

// SavePlans plans every selected unit (plan --out) and writes each plan
// with its JSON, its text and a manifest of what it was made against into
// dir/<unit path> (see saved.go). With deleted set, the units are deleted
// ones (loaded with OpenAt) and their destroys are planned, dependents
// first. The caller writes the index (PlanSet.WriteIndex) after the run.
func SavePlans(dir string, deleted *DeletedAt) Operation {
	op := Operation{Name: "plan", Deps: MocksAllowed, Order: Forward, Backend: true}
	if deleted != nil {
		op.Order = Reverse
	}
	op.Steps = func(ctx context.Context, u *Unit) (UnitResult, error) {
		st, b, err := u.State(ctx)
		if err != nil {
			return UnitResult{}, err
		}
		if deleted != nil && st.Empty() {
			return UnitResult{Changes: &terraform.Changes{}, Message: "no state: nothing to destroy"}, nil
		}
		if err := u.Prepare(ctx); err != nil {
			return UnitResult{}, err
		}
		p, err := u.Plan(ctx, terraform.PlanOptions{Destroy: deleted != nil})
		if err != nil {
			return UnitResult{}, err
		}
		saved, err := u.savePlan(ctx, dir, p, stateRef(st, b), deleted)
		if err != nil {
			return UnitResult{}, fmt.Errorf("saving the plan of %s: %w", u.Path(), err)
		}
		res := u.Planned(p, false)
		res.Data = saved
		return res, nil
	}
	return op
}

func stateRef(st *state.State, b state.Backend) StateRef {
	r := StateRef{}
	if b != nil {
		r.Where = b.Describe()
	}
	if st != nil {
		r.Exists, r.Serial, r.Lineage = true, st.Serial, st.Lineage
	}
	return r
}

func (u *Unit) savePlan(ctx context.Context, dir string, p *terraform.Plan, st StateRef, deleted *DeletedAt) (SavedPlan, error) {
	udir := filepath.Join(dir, filepath.FromSlash(u.Path()))
	sum, err := copyFile0600(p.File, filepath.Join(udir, PlanFileName))
	if err != nil {
		return SavedPlan{}, err
	}
	saved := SavedPlan{Dir: udir}
	if p.JSON != nil {
		data, err := json.Marshal(p.JSON)
		if err != nil {
			return SavedPlan{}, err
		}
		if err := writeFile0600(filepath.Join(udir, PlanJSONName), data); err != nil {
			return SavedPlan{}, err
		}
	}
	if p.HasChanges {
		u.Step("show")
		var b strings.Builder
		if err := u.wd.ShowPlanTextQuiet(ctx, p.File, &b); err != nil {
			return SavedPlan{}, u.Fail(err)
		}
		saved.Text = filepath.Join(udir, PlanTextName)
		if err := writeFile0600(saved.Text, []byte(u.mask(b.String()))); err != nil {
			return SavedPlan{}, err
		}
	}
	tf, err := u.e.Terraform(ctx)
	if err != nil {
		return SavedPlan{}, err
	}
	m := Manifest{
		Version: planSetVersion, Env: u.e.Env(), Unit: u.Path(), Created: time.Now().UTC(),
		TerraformVersion: tf.Binary.Version.String(), State: st, Dependencies: u.depUses, Mocked: u.mocked,
		HasChanges: p.HasChanges, Changes: p.Changes, Destroy: p.Destroy, Deleted: deleted, PlanSHA256: sum,
	}
	if m.Dependencies == nil {
		m.Dependencies = []DependencyUse{}
	}
	return saved, writeJSON0600(filepath.Join(udir, PlanManifestName), m)
}

// PlanRefusedError is a saved plan apply --plan will not apply, with every
// reason (stale state, stale dependency outputs, mocks, another terraform).
type PlanRefusedError struct {
	Unit    string
	Reasons []string
}

func (e *PlanRefusedError) Error() string {
	return fmt.Sprintf("the saved plan of %s is refused: %s; plan it again (stackctl plan ENV --out DIR)", e.Unit, strings.Join(e.Reasons, "; "))
}

// RefusedPlans is CheckSaved's answer: every unit whose plan is refused.
type RefusedPlans []*PlanRefusedError

func (r RefusedPlans) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d saved plan(s) refused, nothing was applied:", len(r))
	for _, e := range r {
		fmt.Fprintf(&b, "\n  %s: %s", e.Unit, strings.Join(e.Reasons, "; "))
	}
	b.WriteString("\nPlan them again (stackctl plan ENV --out DIR), have them reviewed, then apply the new plans.")
	return b.String()
}

// CheckSaved checks, before anything is applied, every selected unit's
// saved plan against what is true now: the terraform version, the unit's
// state (serial and lineage) and the outputs of dependencies that this
// apply does not change. A dependency that applies first is checked again
// when the unit's turn comes (ApplySaved). nil when every plan may go.
func (e *Engine) CheckSaved(ctx context.Context, set *PlanSet, selected map[string]bool) error {
	tf, err := e.Terraform(ctx)
	if err != nil {
		return err
	}
	var refused RefusedPlans
	for _, p := range e.Graph.OrderOf(selected) {
		m := set.Manifest(p)
		if m == nil {
			continue
		}
		reasons := staticReasons(m, tf.Binary.Version.String())
		st, b, err := e.ReadState(ctx, e.Unit(p), false)
		if err != nil {
			return err
		}
		reasons = append(reasons, stateReasons(m.State, stateRef(st, b))...)
		if !m.Destroy {
			r, err := e.dependencyReasons(ctx, e.Unit(p), m, set)
			if err != nil {
				return err
			}
			reasons = append(reasons, r...)
		}
		if len(reasons) > 0 {
			refused = append(refused, &PlanRefusedError{Unit: p, Reasons: reasons})
		}
	}
	if len(refused) > 0 {
		return refused
	}
	return nil
}

func staticReasons(m *Manifest, tfVersion string) []string {
	var out []string
	if len(m.Mocked) > 0 {
		out = append(out, fmt.Sprintf("it was planned on the mock_outputs of %s (no state then), so it would apply made-up values", strings.Join(m.Mocked, ", ")))
	}
	if m.TerraformVersion != tfVersion {
		out = append(out, fmt.Sprintf("it was planned with terraform %s and this run uses %s (terraform applies only its own version's plans)", m.TerraformVersion, tfVersion))
	}
	return out
}

func stateReasons(was, now StateRef) []string {
	switch {
	case !was.Exists && now.Exists:
		return []string{fmt.Sprintf("its state was created since it was planned (now serial %d): another run applied it", now.Serial)}
	case was.Exists && !now.Exists:
		return []string{"its state is gone since it was planned"}
	case was.Lineage != now.Lineage:
		return []string{fmt.Sprintf("its state was replaced since it was planned (lineage %s, now %s)", was.Lineage, now.Lineage)}
	case was.Serial != now.Serial:
		return []string{fmt.Sprintf("its state changed since it was planned (serial %d, now %d): another run wrote it", was.Serial, now.Serial)}
	}
	return nil
}

// dependencyReasons compares the dependency outputs a plan used with the
// ones in state now, for dependencies this apply leaves alone.
func (e *Engine) dependencyReasons(ctx context.Context, u *config.Unit, m *Manifest, set *PlanSet) ([]string, error) {
	deps := map[string]config.DependencyOutputs{}
	var was []DependencyUse
	for _, use := range m.Dependencies {
		if dm := set.Manifest(use.Unit); dm != nil && dm.HasChanges {
			continue
		}
		d := u.Dependency(use.Name)
		if d == nil {
			was = append(was, use)
			continue
		}
		st, b, err := e.ReadState(ctx, e.Unit(d.Path), false)
		if err != nil {
			return nil, err
		}
		if st.Empty() {
			return []string{fmt.Sprintf("its dependency %s has no state now (%s)", d.Path, b.Describe())}, nil
		}
		deps[d.Name] = config.DependencyOutputs{Values: outputValues(st)}
		was = append(was, use)
	}
	var now []DependencyUse
	for _, use := range dependencyUses(u, deps) {
		if _, ok := deps[use.Name]; ok {
			now = append(now, use)
		}
	}
	return staleReasons(StaleOutputs(was, now)), nil
}

func staleReasons(stale []string) []string {
	if len(stale) == 0 {
		return nil
	}
	return []string{"dependency outputs changed since it was planned (" + strings.Join(stale, ", ") + "): it would apply stale values"}
}

// ApplySaved applies exactly the saved plans of set in dependency order
// (dependents first for destroys: the deleted units, loaded with OpenAt).
// Each unit is checked again when its turn comes, after the dependencies
// before it applied: its state must be the one it was planned against and
// the dependency outputs its inputs read must be unchanged, otherwise the
// unit fails (and its dependents are skipped) naming why.
func ApplySaved(set *PlanSet, destroy bool) Operation {
	op := Operation{Name: "apply", Deps: StateOnly, Order: Forward, Writes: true, Backend: true}
	if destroy {
		op.Deps, op.Order, op.Destroys = MocksAllowed, Reverse, true
	}
	op.Steps = func(ctx context.Context, u *Unit) (UnitResult, error) {
		m := set.Manifest(u.Path())
		if m == nil {
			return UnitResult{}, fmt.Errorf("%s has no saved plan in %s", u.Path(), set.Dir())
		}
		tf, err := u.e.Terraform(ctx)
		if err != nil {
			return UnitResult{}, err
		}
		reasons := staticReasons(m, tf.Binary.Version.String())
		st, b, err := u.State(ctx)
		if err != nil {
			return UnitResult{}, err
		}
		reasons = append(reasons, stateReasons(m.State, stateRef(st, b))...)
		changes := m.Changes
		saved := SavedPlan{Dir: set.UnitDir(u.Path())}
		if m.HasChanges {
			saved.Text = filepath.Join(saved.Dir, PlanTextName)
		}
		res := UnitResult{HasChanges: m.HasChanges, Changes: &changes, Mocked: m.Mocked, Data: saved,
			Resources: readActions(filepath.Join(saved.Dir, PlanJSONName))}
		if len(reasons) == 0 && m.HasChanges {
			if err := u.Render(ctx); err != nil {
				return res, err
			}
			if !m.Destroy {
				reasons = append(reasons, staleReasons(StaleOutputs(m.Dependencies, u.DependencyUses()))...)
			}
		}
		if len(reasons) > 0 {
			res.Message = "refused: plan again"
			return res, &PlanRefusedError{Unit: u.Path(), Reasons: reasons}
		}
		if !m.HasChanges {
			res.Message = "no changes"
			return res, nil
		}
		file := filepath.Join(saved.Dir, PlanFileName)
		if sum, err := fileSHA256(file); err != nil || sum != m.PlanSHA256 {
			return res, &PlanRefusedError{Unit: u.Path(), Reasons: []string{"its plan file " + file + " is missing or not the one its manifest describes"}}
		}
		if err := u.Setup(ctx); err != nil {
			return res, err
		}
		return res, u.Apply(ctx, &terraform.Plan{File: file, HasChanges: true, Changes: m.Changes, Destroy: m.Destroy})
	}
	return op
}

// readActions lists the resources of a saved plan's JSON; none when it
// cannot be read (a view only loses its details).
func readActions(path string) []terraform.ResourceAction {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil
	}
	return terraform.ResourceActions(&p)
}
