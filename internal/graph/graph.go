// Package graph orders an environment's units by their dependencies,
// reports cycles with every unit on them, and selects units by glob.
package graph

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/glob"
)

// Graph is a directed acyclic graph of unit paths. An edge from A to B means
// A depends on B, so B runs first (last for destroy).
type Graph struct {
	nodes []string
	deps  map[string][]string
	rdeps map[string][]string
	order []string
	// orderOnly holds the edges that only order (dependencies { paths }):
	// no outputs flow along them. They count like any edge for order and
	// cycles; only the graph's output tells them apart.
	orderOnly map[[2]string]bool
}

// New builds a graph from nodes and edges (node → its dependencies). It
// returns the cycle, every node on it, when there is one.
func New(nodes []string, deps map[string][]string) (*Graph, []string) {
	g := &Graph{nodes: append([]string(nil), nodes...), deps: map[string][]string{}, rdeps: map[string][]string{}}
	sort.Strings(g.nodes)
	for _, n := range g.nodes {
		ds := uniqueSorted(deps[n])
		g.deps[n] = ds
		for _, d := range ds {
			g.rdeps[d] = append(g.rdeps[d], n)
		}
	}
	for _, n := range g.nodes {
		sort.Strings(g.rdeps[n])
	}
	order, ok := g.topo()
	if !ok {
		return nil, g.findCycle(order)
	}
	g.order = order
	return g, nil
}

// FromStack builds the unit graph of an evaluated environment. A cycle is
// reported with each dependency block that forms it.
func FromStack(st *config.Stack) (*Graph, hcl.Diagnostics) {
	deps := make(map[string][]string, len(st.Units))
	orderOnly := map[[2]string]bool{}
	for _, u := range st.Units {
		data := map[string]bool{}
		for _, d := range u.Dependencies {
			deps[u.Path] = append(deps[u.Path], d.Path)
			data[d.Path] = true
		}
		for _, d := range u.OrderDependencies {
			if !data[d.Path] {
				deps[u.Path] = append(deps[u.Path], d.Path)
				orderOnly[[2]string{u.Path, d.Path}] = true
			}
		}
	}
	g, cycle := New(st.UnitPaths(), deps)
	if cycle == nil {
		g.orderOnly = orderOnly
		return g, nil
	}
	var where []string
	var subject *hcl.Range
	for i, from := range cycle {
		to := cycle[(i+1)%len(cycle)]
		u := st.Unit(from)
		at, found := hcl.Range{}, false
		for _, d := range u.Dependencies {
			if d.Path == to {
				at, found = d.Range, true
				where = append(where, fmt.Sprintf("%s depends on %s at %s", from, to, diag.At(d.Range)))
				break
			}
		}
		if !found {
			for _, d := range u.OrderDependencies {
				if d.Path == to {
					at, found = d.Range, true
					where = append(where, fmt.Sprintf("%s runs after %s (dependencies) at %s", from, to, diag.At(d.Range)))
					break
				}
			}
		}
		if found && subject == nil {
			subject = at.Ptr()
		}
	}
	loop := append(append([]string(nil), cycle...), cycle[0])
	return nil, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Dependency cycle: " + strings.Join(loop, " → "),
		Detail:   "Units on a cycle can never run: " + strings.Join(where, "; ") + ". Remove one of these dependencies.",
		Subject:  subject,
	}}
}

// topo is Kahn's algorithm taking ready nodes in name order, so the order is
// the same on every run.
func (g *Graph) topo() ([]string, bool) {
	indeg := make(map[string]int, len(g.nodes))
	var ready []string
	for _, n := range g.nodes {
		indeg[n] = len(g.deps[n])
		if indeg[n] == 0 {
			ready = append(ready, n)
		}
	}
	order := make([]string, 0, len(g.nodes))
	for len(ready) > 0 {
		n := ready[0]
		ready = ready[1:]
		order = append(order, n)
		var newly []string
		for _, m := range g.rdeps[n] {
			indeg[m]--
			if indeg[m] == 0 {
				newly = append(newly, m)
			}
		}
		if len(newly) > 0 {
			ready = mergeSorted(ready, newly)
		}
	}
	return order, len(order) == len(g.nodes)
}

// findCycle walks from a node that topo could not order until it revisits
// one, and returns the loop.
func (g *Graph) findCycle(ordered []string) []string {
	done := make(map[string]bool, len(ordered))
	for _, n := range ordered {
		done[n] = true
	}
	const (
		unseen = iota
		onPath
		finished
	)
	state := map[string]int{}
	var stack []string
	var cycle []string
	var visit func(n string) bool
	visit = func(n string) bool {
		state[n] = onPath
		stack = append(stack, n)
		for _, d := range g.deps[n] {
			if done[d] {
				continue
			}
			switch state[d] {
			case onPath:
				for i, s := range stack {
					if s == d {
						cycle = append([]string(nil), stack[i:]...)
						return true
					}
				}
			case unseen:
				if visit(d) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = finished
		return false
	}
	for _, n := range g.nodes {
		if !done[n] && state[n] == unseen && visit(n) {
			return cycle
		}
	}
	return nil
}

// Nodes returns every unit path, sorted by name.
func (g *Graph) Nodes() []string { return g.nodes }

// Order returns the units in dependency order: every unit after all of its
// dependencies, ties broken by name.
func (g *Graph) Order() []string { return g.order }

// OrderOf returns the selected units in dependency order.
func (g *Graph) OrderOf(selected map[string]bool) []string {
	var out []string
	for _, n := range g.order {
		if selected[n] {
			out = append(out, n)
		}
	}
	return out
}

// Dependencies returns the direct dependencies of n, order-only ones
// included.
func (g *Graph) Dependencies(n string) []string { return g.deps[n] }

// OrderOnly reports whether the edge from n to its dependency d only
// orders them (dependencies { paths }): d's outputs are not read by n.
func (g *Graph) OrderOnly(n, d string) bool { return g.orderOnly[[2]string{n, d}] }

// Dependents returns the units that directly depend on n.
func (g *Graph) Dependents(n string) []string { return g.rdeps[n] }

// TransitiveDependents returns every unit that depends on n, directly or not.
func (g *Graph) TransitiveDependents(n string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(x string) {
		for _, d := range g.rdeps[x] {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(n)
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// Select returns the units matching any of the patterns ('/'-separated
// globs; "**" spans folders; a pattern matching a folder selects the units
// under it). With no patterns every unit is selected. A pattern that
// matches nothing is an error naming the units that exist.
func (g *Graph) Select(patterns []string) (map[string]bool, error) {
	sel := map[string]bool{}
	if len(patterns) == 0 {
		for _, n := range g.nodes {
			sel[n] = true
		}
		return sel, nil
	}
	for _, p := range patterns {
		p = strings.Trim(path.Clean(strings.TrimSpace(p)), "/")
		if err := glob.Valid(p); err != nil {
			return nil, fmt.Errorf("invalid --unit pattern %q: %v", p, err)
		}
		matched := false
		for _, n := range g.nodes {
			if Match(p, n) {
				sel[n] = true
				matched = true
			}
		}
		if !matched {
			return nil, fmt.Errorf("no unit matches %q; units: %s", p, strings.Join(g.nodes, ", "))
		}
	}
	return sel, nil
}

// Match reports whether a unit path matches a --unit pattern.
func Match(pattern, unit string) bool {
	if pattern == unit || strings.HasPrefix(unit, pattern+"/") {
		return true
	}
	return glob.Match(pattern, unit)
}

func uniqueSorted(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	j := 0
	for i := range out {
		if i == 0 || out[i] != out[j-1] {
			out[j] = out[i]
			j++
		}
	}
	return out[:j]
}

func mergeSorted(a, b []string) []string {
	sort.Strings(b)
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
