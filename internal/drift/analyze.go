package drift

import (
	"errors"
	"sort"

	tfjson "github.com/hashicorp/terraform-json"
)

// Input is what Analyze reads for one unit.
type Input struct {
	Unit string
	// RefreshOnly is `terraform show -json` of a saved
	// `terraform plan -refresh-only` (required): its resource_drift is the
	// drift, its output_changes the outputs that changed.
	RefreshOnly *tfjson.Plan
	// Plan is `terraform show -json` of a saved normal plan, made after
	// RefreshOnly, that decides Reverts against Keeps. Optional: without
	// it, attributes not covered by ignore_changes stay Unknown.
	Plan *tfjson.Plan
	// Module is the unit's configuration as terraform ran it (the working
	// folder), for ignore_changes and origins. Optional.
	Module *Module
}

// Analyze reads one unit's drift. It never returns a secret: every value
// marked sensitive in either plan is replaced by Masked.
func Analyze(in Input) (*Unit, error) {
	ro := in.RefreshOnly
	if ro == nil {
		return nil, errors.New("drift needs the refresh-only plan's JSON (terraform show -json PLANFILE)")
	}
	u := &Unit{Unit: in.Unit, Resources: []*Resource{}, Outputs: []*Output{}}
	own := newOwners(ro)
	var planned map[string]*tfjson.ResourceChange
	if in.Plan != nil {
		planned = make(map[string]*tfjson.ResourceChange, len(in.Plan.ResourceChanges))
		for _, rc := range in.Plan.ResourceChanges {
			planned[rc.Address] = rc
		}
	}
	for _, rc := range ro.ResourceDrift {
		if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode {
			continue
		}
		r := &Resource{Address: rc.Address, Type: rc.Type}
		switch {
		case rc.Change.Actions.Delete():
			r.Deleted = true
			r.Verdict = deletedVerdict(planned, in.Plan != nil, rc.Address)
		case rc.Change.Actions.Update():
			attrs, noise, adopt := resourceDiff(rc, own)
			u.Noise += noise
			for _, a := range attrs {
				decide(a, rc, planned, in)
			}
			r.Attributes, r.Adopt = attrs, adopt
			if len(attrs) == 0 && len(adopt) == 0 {
				continue
			}
		default:
			continue
		}
		u.Resources = append(u.Resources, r)
	}
	sort.Slice(u.Resources, func(i, j int) bool { return u.Resources[i].Address < u.Resources[j].Address })
	u.Outputs = outputChanges(ro)
	return u, nil
}

func deletedVerdict(planned map[string]*tfjson.ResourceChange, havePlan bool, addr string) Verdict {
	if !havePlan {
		return Unknown
	}
	if rc := planned[addr]; rc != nil && rc.Change != nil && (rc.Change.Actions.Create() || rc.Change.Actions.Replace()) {
		return Reverts
	}
	// Not in the configuration any more: the next apply forgets it.
	return Keeps
}

// decide sets a drifted attribute's verdict, and for Reverts what the next
// apply sets and where that comes from.
func decide(a *Attribute, rc *tfjson.ResourceChange, planned map[string]*tfjson.ResourceChange, in Input) {
	steps := a.steps
	if in.Module != nil && in.Module.Ignored(rc.ModuleAddress, rc.Type, rc.Name, steps) {
		a.Verdict = Ignores
		return
	}
	if in.Plan == nil {
		a.Verdict = Unknown
		return
	}
	a.Verdict = Keeps
	prc := planned[rc.Address]
	if prc == nil || prc.Change == nil || prc.Change.Actions.NoOp() || prc.Change.Actions.Read() {
		return
	}
	before, _ := lookup(prc.Change.Before, steps)
	after, _ := lookup(prc.Change.After, steps)
	unknown, _ := lookup(prc.Change.AfterUnknown, steps)
	if u, ok := unknown.(bool); !(ok && u) && equal(before, after) {
		return
	}
	if u, ok := unknown.(bool); ok && u && !configured(in.Plan, rc, steps) {
		// A value the provider computes (a version counter, a timestamp)
		// that the next apply recomputes because of other changes: the
		// configuration has nothing to revert it to.
		return
	}
	a.Verdict = Reverts
	if u, ok := unknown.(bool); ok && u {
		a.Planned = "(known after apply)"
	} else {
		a.Planned = maskValue(after, subSensitive(prc.Change.AfterSensitive, steps))
	}
	if in.Module != nil {
		a.Origin = in.Module.Origin(rc.ModuleAddress, rc.Type, rc.Name, rc.Index, steps)
	}
	if a.Origin == nil {
		a.Origin = originFromPlan(in.Plan, rc, steps)
	}
}

func outputChanges(p *tfjson.Plan) []*Output {
	names := make([]string, 0, len(p.OutputChanges))
	for n, c := range p.OutputChanges {
		if c != nil && !c.Actions.NoOp() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]*Output, 0, len(names))
	for _, n := range names {
		c := p.OutputChanges[n]
		o := &Output{Name: n, Before: maskValue(c.Before, c.BeforeSensitive), After: maskValue(c.After, c.AfterSensitive)}
		o.Sensitive = isTrue(c.BeforeSensitive) || isTrue(c.AfterSensitive)
		out = append(out, o)
	}
	return out
}

// configured reports whether the plan's configuration section sets the
// attribute at steps[0] of the resource. Resources in child modules count
// as configured: their configuration is not searched.
func configured(p *tfjson.Plan, rc *tfjson.ResourceChange, steps []any) bool {
	if p.Config == nil || p.Config.RootModule == nil || rc.ModuleAddress != "" || len(steps) == 0 {
		return true
	}
	for _, r := range p.Config.RootModule.Resources {
		if r.Address == rc.Type+"."+rc.Name {
			_, ok := r.Expressions[steps[0].(string)]
			return ok
		}
	}
	return true
}
