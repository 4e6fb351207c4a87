package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/drift"
	"github.com/stackctl/stackctl/internal/terraform"
)

// Drift reads what changed outside Terraform in every selected unit, as
// docs/drift.md's recipe says: a refresh-only plan, and only when the
// drift found needs it, a normal plan that decides what the next apply
// does with each change. Units are independent (nothing is written), and
// one that fails hides nothing of the others. Each unit's Data is its
// *drift.Unit; a unit whose normal plan failed still carries the drift
// its refresh-only plan found. keep keeps the refresh-only plan of every
// drifted unit (UnitResult.Plan), for Accept.
func Drift(keep bool) Operation {
	return Operation{
		Name: "drift", Deps: StateOnly, Order: Independent, Backend: true,
		Steps: func(ctx context.Context, u *Unit) (UnitResult, error) { return driftSteps(ctx, u, keep) },
	}
}

func driftSteps(ctx context.Context, u *Unit, keep bool) (UnitResult, error) {
	st, _, err := u.State(ctx)
	if err != nil {
		return UnitResult{}, err
	}
	if st.Empty() {
		// Nothing applied yet: nothing can have drifted, and no terraform
		// is needed to say so.
		du := &drift.Unit{Unit: u.Path(), NoState: true, Resources: []*drift.Resource{}, Outputs: []*drift.Output{}}
		return UnitResult{Message: du.Summary(), Data: du}, nil
	}
	if err := u.Prepare(ctx); err != nil {
		return UnitResult{}, err
	}
	ro, err := u.Plan(ctx, terraform.PlanOptions{RefreshOnly: true, JSON: true})
	if err != nil {
		return UnitResult{}, err
	}
	mod, diags := drift.LoadModule(u.Workdir().Dir)
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			u.Warn(fmt.Sprintf("reading the module for ignore_changes and origins: %s: %s (what parsed is used)", d.Summary, d.Detail))
		}
	}
	in := drift.Input{Unit: u.Path(), RefreshOnly: ro.JSON, Module: mod}
	du, err := drift.Analyze(in)
	if err != nil {
		return UnitResult{}, u.Fail(err)
	}
	if du.NeedsPlan() {
		p, err := u.Plan(ctx, terraform.PlanOptions{JSON: true})
		if err != nil {
			// The drift is known; what the next apply does is not.
			return UnitResult{Data: du, Message: du.Summary()}, err
		}
		in.Plan = p.JSON
		if du, err = drift.Analyze(in); err != nil {
			return UnitResult{}, u.Fail(err)
		}
		u.driftFixes(du)
	}
	res := u.Planned(ro, keep && du.Drifted())
	res.Changes, res.HasChanges, res.Message, res.Data = nil, du.Drifted(), du.Summary(), du
	return res, nil
}

// driftFixes says, for every attribute the next apply reverts, where to
// change the configuration instead so that it agrees with reality: the
// stackctl file and line of each input the value is computed from, or the
// module's own line when no input is involved.
func (u *Unit) driftFixes(du *drift.Unit) {
	inputs := make(map[string]config.Input, len(u.inputs))
	for _, in := range u.inputs {
		inputs[in.Name] = in
	}
	display := u.e.Stack.Display
	for _, r := range du.Resources {
		for _, a := range r.Attributes {
			o := a.Origin
			if a.Verdict != drift.Reverts || o == nil {
				continue
			}
			if len(o.Variables) == 0 {
				if path := u.moduleFile(o.File); path != "" {
					a.Fix = append(a.Fix, &drift.Fix{File: display(path), Line: o.Line})
				}
				continue
			}
			for _, v := range o.Variables {
				f := &drift.Fix{Input: v}
				if in, ok := inputs[v]; ok {
					f.File, f.Line = display(in.Range.Filename), in.Range.Start.Line
				} else {
					f.File, f.Unset = display(u.Config.File), true
				}
				// Only when the input is the value itself can the new value
				// be named; a secret never is.
				if len(o.Variables) == 1 && o.Expression == "var."+v && !a.Sensitive && a.After != drift.Masked {
					if b, err := json.Marshal(a.After); err == nil {
						f.To = string(b)
					}
				}
				a.Fix = append(a.Fix, f)
			}
		}
	}
}

// moduleFile maps a file of the working folder's root module back to
// where people edit it: the unit folder's own files, else the local
// module's folder; "" for a remote module or a child module's file.
func (u *Unit) moduleFile(name string) string {
	if name == "" || strings.HasPrefix(name, "module ") || filepath.IsAbs(name) {
		return ""
	}
	if p := filepath.Join(u.Config.Dir, name); fileExists(p) {
		return p
	}
	src := u.Config.Source
	if !src.Local || src.None {
		return ""
	}
	if p := filepath.Join(src.Dir, filepath.FromSlash(src.Subdir), name); fileExists(p) {
		return p
	}
	return ""
}

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}

// DriftReport gathers a Drift run's units into one report, in run order;
// a unit that failed (or did not run) carries its error, formatted by
// format, with whatever drift it found before failing.
func DriftReport(res *Result, format func(error) string) *drift.Report {
	rep := &drift.Report{Env: res.Env, Units: []*drift.Unit{}}
	for _, uo := range res.Units {
		du, _ := uo.Data.(*drift.Unit)
		if uo.Status != Succeeded {
			msg := uo.Message
			if uo.Err != nil {
				msg = format(uo.Err)
			}
			if msg == "" {
				msg = string(uo.Status)
			}
			if du == nil {
				du = drift.Failed(uo.Unit, fmt.Errorf("%s", msg))
			} else {
				du.Error = msg
			}
		}
		if du == nil {
			du = drift.Failed(uo.Unit, fmt.Errorf("no drift was read"))
		}
		rep.Units = append(rep.Units, du)
	}
	return rep
}
