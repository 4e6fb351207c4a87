// Package drift reads a unit's saved plans (terraform show -json) into the
// changes made outside Terraform: attribute by attribute, with secrets
// masked, read-back noise dropped, and for each change what the next apply
// does with it. It runs no terraform itself: the caller runs the plans (see
// docs/drift.md for the recipe) and hands their JSON in.
package drift

import (
	"fmt"
	"strings"

	"github.com/stackctl/stackctl/internal/english"
)

// Verdict says what the next apply does with a drifted attribute.
type Verdict string

const (
	// Reverts: a normal plan changes the attribute back to what the
	// configuration says (a deleted resource is created again).
	Reverts Verdict = "reverts"
	// Keeps: the configuration already agrees with reality (or does not
	// set the attribute); only state was stale.
	Keeps Verdict = "keeps"
	// Ignores: lifecycle.ignore_changes covers the attribute.
	Ignores Verdict = "ignores"
	// Unknown: no normal plan was given to decide between Reverts and Keeps.
	Unknown Verdict = "unknown"
)

// Masked stands in for every sensitive value.
const Masked = "(sensitive)"

// Report is the drift of the units of one run.
type Report struct {
	Env   string  `json:"env,omitempty"`
	Units []*Unit `json:"units"`
}

// Unit is one unit's drift, or the error that kept it from being read.
type Unit struct {
	Unit      string      `json:"unit"`
	Error     string      `json:"error,omitempty"`
	Resources []*Resource `json:"resources"`
	// Outputs are root outputs whose value changed with reality. They are
	// listed apart: terraform counts them as changes in a refresh-only
	// plan, but nothing outside Terraform changed an output.
	Outputs []*Output `json:"outputs"`
	// Noise counts the read-back entries dropped (null ↔ empty, parts
	// managed by another resource, reordered JSON).
	Noise int `json:"noise"`
	// NoState: the unit has no state yet, so nothing could drift.
	NoState bool `json:"no_state,omitempty"`
	// Accepted: drift --accept took the drift into state; Backup is the
	// copy of the state it replaced.
	Accepted bool   `json:"accepted,omitempty"`
	Backup   string `json:"backup,omitempty"`
}

// Resource is one resource changed or deleted outside Terraform.
type Resource struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	// Deleted: the object is gone; Attributes is empty then.
	Deleted bool `json:"deleted,omitempty"`
	// Verdict of a deleted resource (Reverts: the next apply creates it
	// again); for a changed one, see each attribute.
	Verdict    Verdict      `json:"verdict,omitempty"`
	Attributes []*Attribute `json:"attributes,omitempty"`
	// Adopt lists objects attached outside Terraform that a resource of
	// their own can import (a managed policy attached to a role).
	Adopt []Adoption `json:"adopt,omitempty"`
}

// Attribute is one drifted value. Before and After are nil when absent
// (null) and hold Masked when sensitive.
type Attribute struct {
	Path      string  `json:"path"`
	Before    any     `json:"before"`
	After     any     `json:"after"`
	Sensitive bool    `json:"sensitive,omitempty"`
	Verdict   Verdict `json:"verdict"`
	// Planned is what the next apply sets (with Reverts).
	Planned any `json:"planned,omitempty"`
	// Origin says where the configured value comes from (with Reverts).
	Origin *Origin `json:"origin,omitempty"`
	// Fix says where to change the configuration instead, so that it
	// agrees with reality (with Reverts, when the caller knows).
	Fix []*Fix `json:"fix,omitempty"`

	steps []any // Path as keys and indexes
}

// Output is a root output whose value changed.
type Output struct {
	Name      string `json:"name"`
	Before    any    `json:"before"`
	After     any    `json:"after"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Adoption is an object an import block can bring under management.
type Adoption struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	// Why is one line for people ("policy attached to role x outside Terraform").
	Why string `json:"why"`
}

// Origin is where a configured value is written.
type Origin struct {
	// File and Line locate the attribute's expression, File relative to the
	// module folder ("main.tf"); empty when only the plan's references
	// were known.
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
	Expression string `json:"expression,omitempty"`
	// Variables are the root module's variables the value is computed
	// from (traced through locals and for_each): stackctl inputs. Empty
	// means the value is written in the module itself.
	Variables []string `json:"variables,omitempty"`
}

// Failed is the Unit of a unit whose plans could not be made or read.
func Failed(unit string, err error) *Unit {
	return &Unit{Unit: unit, Error: err.Error()}
}

// Drifted reports whether anything changed outside Terraform (outputs
// alone are not drift).
func (u *Unit) Drifted() bool { return len(u.Resources) > 0 }

// NeedsPlan reports whether a normal plan is needed to decide the verdicts:
// some attribute is neither ignored by configuration nor decided yet.
func (u *Unit) NeedsPlan() bool {
	for _, r := range u.Resources {
		if r.Verdict == Unknown {
			return true
		}
		for _, a := range r.Attributes {
			if a.Verdict == Unknown {
				return true
			}
		}
	}
	return false
}

// Counts tallies a unit's drift.
type Counts struct {
	Resources, Deleted, Attributes   int
	Reverts, Keeps, Ignores, Unknown int
	Outputs                          int
}

// Count tallies u. A deleted resource counts as one verdict.
func (u *Unit) Count() Counts {
	c := Counts{Resources: len(u.Resources), Outputs: len(u.Outputs)}
	add := func(v Verdict) {
		switch v {
		case Reverts:
			c.Reverts++
		case Keeps:
			c.Keeps++
		case Ignores:
			c.Ignores++
		default:
			c.Unknown++
		}
	}
	for _, r := range u.Resources {
		if r.Deleted {
			c.Deleted++
			add(r.Verdict)
		}
		for _, a := range r.Attributes {
			c.Attributes++
			add(a.Verdict)
		}
	}
	return c
}

// Summary is the unit's one-line verdict.
func (u *Unit) Summary() string {
	if u.Error != "" {
		return "error: " + strings.TrimPrefix(firstLine(u.Error), "Error: ")
	}
	if u.NoState {
		return "no state yet: nothing to compare"
	}
	c := u.Count()
	var outputs string
	if c.Outputs > 0 {
		outputs = fmt.Sprintf("; %s changed", english.Count(c.Outputs, "output"))
	}
	if c.Resources == 0 {
		return "no drift" + outputs
	}
	what := english.Count(c.Resources, "resource")
	if c.Deleted > 0 {
		what += fmt.Sprintf(" (%d deleted)", c.Deleted)
	}
	var next []string
	for _, p := range []struct {
		n    int
		word string
	}{{c.Reverts, "reverted"}, {c.Keeps, "kept"}, {c.Ignores, "ignored"}, {c.Unknown, "undecided"}} {
		if p.n > 0 {
			next = append(next, fmt.Sprintf("%d %s", p.n, p.word))
		}
	}
	s := fmt.Sprintf("drift in %s; next apply: %s%s", what, strings.Join(next, ", "), outputs)
	if u.Accepted {
		s += "; accepted into state"
	}
	return s
}

// Drifted counts the units with drift.
func (r *Report) Drifted() int {
	n := 0
	for _, u := range r.Units {
		if u.Drifted() {
			n++
		}
	}
	return n
}

// Errored counts the units that failed.
func (r *Report) Errored() int {
	n := 0
	for _, u := range r.Units {
		if u.Error != "" {
			n++
		}
	}
	return n
}

// ExitCode is the contract's: 1 if any unit errored, else 2 if any
// drifted, else 0.
func (r *Report) ExitCode() int {
	switch {
	case r.Errored() > 0:
		return 1
	case r.Drifted() > 0:
		return 2
	}
	return 0
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
