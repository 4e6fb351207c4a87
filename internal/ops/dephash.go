package ops

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// DependencyUse is what a unit's inputs read of one dependency, kept with a
// saved plan: when one of these outputs differs at apply time, the plan
// would apply stale values.
type DependencyUse struct {
	Name string `json:"name"` // the dependency block
	Unit string `json:"unit"` // the dependency's unit path
	// Mock: its mock_outputs stood in (it had no state).
	Mock bool `json:"mock,omitempty"`
	// Outputs are the outputs read, each with a hash of its value;
	// config.AllOutputs stands for the set of output names when the inputs
	// read the whole outputs object.
	Outputs map[string]string `json:"outputs"`
}

// dependencyUses hashes, per dependency, the outputs the unit's inputs
// refer to. Values are hashed, never kept: a manifest must not carry
// dependency outputs (some are secret) in clear.
func dependencyUses(u *config.Unit, deps map[string]config.DependencyOutputs) []DependencyUse {
	refs := u.DependencyRefs()
	var out []DependencyUse
	for _, d := range u.Dependencies {
		do := deps[d.Name]
		use := DependencyUse{Name: d.Name, Unit: d.Path, Mock: do.From == "mock_outputs", Outputs: map[string]string{}}
		names := refs[d.Name]
		all := len(names) > 0 && names[0] == config.AllOutputs
		if all {
			names = names[1:]
			present := make([]string, 0, len(do.Values))
			for n := range do.Values {
				present = append(present, n)
			}
			sort.Strings(present)
			names = uniqueMerge(names, present)
			use.Outputs[config.AllOutputs] = hashString(strings.Join(present, "\x00"))
		}
		for _, n := range names {
			use.Outputs[n] = outputHash(do, n)
		}
		out = append(out, use)
	}
	return out
}

func outputHash(do config.DependencyOutputs, name string) string {
	if do.Unknown {
		return "unknown"
	}
	v, ok := do.Values[name]
	if !ok {
		return "absent"
	}
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() {
		return "unknown"
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		b = []byte(v.GoString())
	}
	typ, _ := ctyjson.MarshalType(v.Type())
	return hashString(string(typ) + "\x00" + string(b))
}

func hashString(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func uniqueMerge(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range append(append([]string(nil), a...), b...) {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// StaleOutputs compares what a plan was made with (was) to what the unit
// would read now (now) and names every dependency output that differs, as
// "network.vpc_id"; empty when the plan is current.
func StaleOutputs(was, now []DependencyUse) []string {
	cur := map[string]DependencyUse{}
	for _, d := range now {
		cur[d.Name] = d
	}
	var out []string
	for _, w := range was {
		n, ok := cur[w.Name]
		if !ok {
			out = append(out, w.Name+" (dependency block removed)")
			continue
		}
		names := make([]string, 0, len(w.Outputs))
		for o := range w.Outputs {
			names = append(names, o)
		}
		sort.Strings(names)
		for _, o := range names {
			if n.Outputs[o] != w.Outputs[o] {
				if o == config.AllOutputs {
					out = append(out, fmt.Sprintf("%s (its set of outputs)", w.Name))
				} else {
					out = append(out, w.Name+"."+o)
				}
			}
		}
	}
	return out
}

// LockWritten is the warning of a unit whose init wrote its lock file: the
// same words for every unit, so that the summary says it once.
const LockWritten = "init wrote the dependency lock file (.terraform.lock.hcl) in the unit folder: commit it, so that CI and other machines install the same provider versions"

// DependencyUses are the dependency outputs the inputs read (after Render).
func (u *Unit) DependencyUses() []DependencyUse { return u.depUses }

// outputValues are a state's outputs as dependency outputs, sensitive
// ones marked, as DependencyOutputs reads them.
func outputValues(st *state.State) map[string]cty.Value {
	vals := make(map[string]cty.Value, len(st.Outputs))
	for name, o := range st.Outputs {
		v := o.Value
		if o.Sensitive {
			v = v.Mark(config.Sensitive)
		}
		vals[name] = v
	}
	return vals
}

// hashDeps identifies dependency outputs by value: a kept plan is current
// while the outputs it was rendered with are.
func hashDeps(deps map[string]config.DependencyOutputs) string {
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		d := deps[n]
		fmt.Fprintf(h, "%s\x00%t\x00", n, d.Unknown)
		outs := make([]string, 0, len(d.Values))
		for o := range d.Values {
			outs = append(outs, o)
		}
		sort.Strings(outs)
		for _, o := range outs {
			v, _ := d.Values[o].UnmarkDeep()
			b, err := ctyjson.Marshal(v, v.Type())
			if err != nil {
				b = []byte(v.GoString())
			}
			fmt.Fprintf(h, "%s\x00%s\x00", o, b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
