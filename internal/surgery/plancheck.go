package surgery

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/state"
)

// Expect is what the plan of one unit must show after a surgery.
type Expect struct {
	Unit string `json:"unit"`
	// Touched are the instance addresses the surgery wrote (after the
	// edit): the plan may not destroy, replace or create any of them.
	Touched []string `json:"touched,omitempty"`
	// NoOp: not even an in-place update of a touched one (rename-app).
	NoOp bool `json:"no_op,omitempty"`
	// Absent are addresses that left this unit's state (state mv's
	// source): the plan may not create them again.
	Absent []string `json:"absent,omitempty"`
}

// Problem is one thing a verification plan shows that the surgery must
// not cause.
type Problem struct {
	Unit    string `json:"unit"`
	Address string `json:"address"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Unit + ": " + p.Address + " " + p.Message }

// CheckPlan reads a plan of ex.Unit (terraform show -json of a kept plan)
// against what the surgery expects.
func CheckPlan(p *tfjson.Plan, ex Expect) []Problem {
	touched := addressSet(ex.Touched)
	absent := addressSet(ex.Absent)
	var out []Problem
	add := func(addr, msg string) { out = append(out, Problem{Unit: ex.Unit, Address: addr, Message: msg}) }
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || rc.Mode == tfjson.DataResourceMode {
			continue
		}
		a := rc.Change.Actions
		if absent.has(rc.Address) && a.Create() {
			add(rc.Address, "would be created again: its resource block is still in this unit's configuration")
			continue
		}
		if !touched.has(rc.Address) && !(rc.PreviousAddress != "" && touched.has(rc.PreviousAddress)) {
			continue
		}
		switch {
		case a.Replace():
			add(rc.Address, "would be replaced"+because(rc))
		case a.Delete():
			add(rc.Address, "would be destroyed: it is not in this unit's configuration (or the configuration no longer matches its address)")
		case a.Create():
			add(rc.Address, "would be created: terraform could not find the object by what its state says (the refresh dropped it)")
		case a.Forget():
			add(rc.Address, "would be forgotten (a removed block)")
		case a.Update() && ex.NoOp:
			add(rc.Address, "would be updated in place"+changedAttributes(rc)+"; a rename must leave it unchanged (--allow-update accepts in-place updates)")
		}
	}
	return out
}

func because(rc *tfjson.ResourceChange) string {
	var paths []string
	for _, p := range rc.Change.ReplacePaths {
		if steps, ok := p.([]any); ok {
			paths = append(paths, PathString(steps))
		}
	}
	if len(paths) == 0 {
		return changedAttributes(rc)
	}
	return " (because of " + strings.Join(paths, ", ") + ")"
}

// changedAttributes names the top-level attributes whose value changes.
func changedAttributes(rc *tfjson.ResourceChange) string {
	before, _ := rc.Change.Before.(map[string]any)
	after, _ := rc.Change.After.(map[string]any)
	unknown, _ := rc.Change.AfterUnknown.(map[string]any)
	var names []string
	for k := range after {
		if !reflect.DeepEqual(before[k], after[k]) || unknown[k] == true {
			names = append(names, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return " (" + strings.Join(names, ", ") + ")"
}

// addressSet holds instance addresses; a resource address in it stands
// for every instance of the resource.
type addrSet map[string]bool

func addressSet(addrs []string) addrSet {
	s := addrSet{}
	for _, a := range addrs {
		s[a] = true
	}
	return s
}

func (s addrSet) has(addr string) bool {
	if s[addr] {
		return true
	}
	if a, err := state.ParseAddress(addr); err == nil && a.HasKey {
		return s[a.Resource().String()]
	}
	return false
}

// PlanErrors joins problems into one error, or nil.
func PlanErrors(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Errorf("the plan after the change shows what the surgery must not cause:\n%s", strings.Join(lines, "\n"))
}
