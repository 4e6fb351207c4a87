package config

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// AllOutputs in DependencyRefs stands for a reference to a dependency's
// whole outputs object (dependency.x.outputs), or to one computed at run
// time (dependency.x.outputs[local.name]).
const AllOutputs = "*"

// DependencyRefs lists, per dependency name, the outputs the unit's inputs
// refer to, sorted: a saved plan is stale only when one of those changed,
// not when its dependency gained or changed an output it does not read.
// Only inputs (of the unit.hcl and the files it includes) may refer to
// dependencies, so they are all there is to read.
func (u *Unit) DependencyRefs() map[string][]string {
	out := map[string][]string{}
	seen := map[string]map[string]bool{}
	var refs []hcl.Traversal
	for _, ex := range u.inputExprs() {
		refs = append(refs, ex.Variables()...)
	}
	for _, t := range refs {
		if t.RootName() != "dependency" {
			continue
		}
		name, ok := traverseName(t, 1)
		if !ok || u.Dependency(name) == nil {
			continue
		}
		output, ok := traverseName(t, 3)
		if !ok {
			output = AllOutputs
		}
		if seen[name] == nil {
			seen[name] = map[string]bool{}
		}
		seen[name][output] = true
	}
	for name, outs := range seen {
		list := make([]string, 0, len(outs))
		for o := range outs {
			list = append(list, o)
		}
		sort.Strings(list)
		out[name] = list
	}
	return out
}
