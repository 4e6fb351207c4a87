package adopt

import (
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/drift"
)

// Check is what a plan does with the imports it was made for.
type Check struct {
	// OK: every import is in the plan, changes nothing about its object,
	// and the plan changes nothing else. Only then may it be applied.
	OK      bool       `json:"ok"`
	Imports []*Checked `json:"imports"`
	// Others are the plan's changes to resources that are not imported:
	// applying would make them too.
	Others []Other `json:"others,omitempty"`
}

// Checked is one import in the plan.
type Checked struct {
	Address string `json:"address"`
	ID      string `json:"id"`
	// Imported is false when the plan does not import the address (no
	// import block reached it, or the object was already in state).
	Imported bool `json:"imported"`
	// Actions is what the plan does besides importing ("no-op" when
	// nothing).
	Actions string `json:"actions"`
	// Differences are the attributes the configuration sets differently
	// from the object, secrets masked.
	Differences []*drift.Attribute `json:"differences,omitempty"`
	// AddsTags are tags the provider's default_tags add to the object
	// (tags_all keys it lacks). They do not block the import: adopting a
	// resource into a unit is when it should get the unit's tags.
	AddsTags []string `json:"adds_tags,omitempty"`
	// Defaults are provider-side settings import cannot read (null in
	// state, revoke_rules_on_delete, force_destroy) that the apply records
	// at their default (false, 0, ""). They change nothing in the cloud:
	// a setting the cloud keeps would have been read by the import.
	Defaults []string `json:"defaults,omitempty"`
}

// Other is a change to a resource that is not being imported.
type Other struct {
	Address string `json:"address"`
	Actions string `json:"actions"`
}

// CheckPlan reads `terraform show -json` of the plan made with the import
// blocks of imps.
func CheckPlan(p *tfjson.Plan, imps []Import) *Check {
	c := &Check{OK: true, Imports: []*Checked{}}
	byAddr := map[string]*tfjson.ResourceChange{}
	for _, rc := range p.ResourceChanges {
		byAddr[rc.Address] = rc
	}
	want := map[string]bool{}
	for _, imp := range imps {
		addr := imp.To.String()
		want[addr] = true
		ch := &Checked{Address: addr, ID: imp.ID}
		c.Imports = append(c.Imports, ch)
		rc := byAddr[addr]
		if rc == nil || rc.Change == nil {
			ch.Actions = "none"
			c.OK = false
			continue
		}
		ch.Imported = rc.Change.Importing != nil
		ch.Actions = actions(rc.Change.Actions)
		if !rc.Change.Actions.NoOp() {
			for _, d := range drift.Changes(rc.Change) {
				if tag, ok := strings.CutPrefix(d.Path, "tags_all."); ok && d.Before == nil && d.After != nil {
					ch.AddsTags = append(ch.AddsTags, tag)
					continue
				}
				if d.Before == nil && isZero(d.After) {
					ch.Defaults = append(ch.Defaults, d.Path)
					continue
				}
				ch.Differences = append(ch.Differences, d)
			}
		}
		onlyTags := rc.Change.Actions.Update() && len(ch.Differences) == 0 && len(ch.AddsTags)+len(ch.Defaults) > 0
		if !ch.Imported || !(rc.Change.Actions.NoOp() || onlyTags) {
			c.OK = false
		}
	}
	for _, rc := range p.ResourceChanges {
		if want[rc.Address] || rc.Change == nil || rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
			continue
		}
		c.Others = append(c.Others, Other{Address: rc.Address, Actions: actions(rc.Change.Actions)})
		c.OK = false
	}
	return c
}

func actions(a tfjson.Actions) string {
	switch {
	case a.NoOp():
		return "no-op"
	case a.Replace():
		return "replace"
	}
	parts := make([]string, len(a))
	for i, x := range a {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// Problems says, one line each, why the plan may not be applied.
func (c *Check) Problems() []string {
	var out []string
	for _, ch := range c.Imports {
		switch {
		case ch.Actions == "none":
			out = append(out, fmt.Sprintf("%s: the plan does not import it (is the import block in the unit folder, and the address not already in state?)", ch.Address))
		case !ch.Imported:
			out = append(out, fmt.Sprintf("%s: not imported; the plan would %s it", ch.Address, ch.Actions))
		case ch.Actions != "no-op" && (len(ch.Differences) > 0 || len(ch.AddsTags)+len(ch.Defaults) == 0):
			for _, d := range ch.Differences {
				out = append(out, fmt.Sprintf("%s: %s: the object has %s, the configuration says %s", ch.Address, d.Path, show(d.Before), show(d.After)))
			}
			if len(ch.Differences) == 0 {
				out = append(out, fmt.Sprintf("%s: the plan would %s it after the import", ch.Address, ch.Actions))
			}
		}
	}
	for _, o := range c.Others {
		out = append(out, fmt.Sprintf("%s: the plan would also %s it", o.Address, o.Actions))
	}
	return out
}

func show(v any) string {
	if s, ok := v.(string); ok {
		if s == drift.Masked || s == "(known after apply)" {
			return s
		}
		return fmt.Sprintf("%q", s)
	}
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

func isZero(v any) bool {
	switch x := v.(type) {
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	}
	return false
}
