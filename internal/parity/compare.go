package parity

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
)

// Options say how to compare.
type Options struct {
	// Parity is stackctl.hcl's parity block (Root.Parity); nil means no
	// declared differences and the default domain rule.
	Parity *config.Parity
	// StateA and StateB, when either is set, add the comparison of what
	// each environment's state holds. Units present in one environment
	// only are reported once, as units, not resource by resource.
	StateA, StateB StateResources
}

// Compare compares environment a with environment b.
func Compare(a, b *Env, opts Options) *Result {
	var domainVars, domainInputs []string
	var decls []config.DeclaredDifference
	if opts.Parity != nil {
		domainVars, domainInputs, decls = opts.Parity.DomainVars, opts.Parity.DomainInputs, opts.Parity.Differences
	}
	c := &comparer{
		a: a, b: b,
		pa: newPlaceholders(a, domainVars, domainInputs), pb: newPlaceholders(b, domainVars, domainInputs),
		decl: declarations{list: decls, envA: a.Name, envB: b.Name},
	}
	res := &Result{EnvA: a.Name, EnvB: b.Name, StateCompared: opts.StateA != nil || opts.StateB != nil, Differences: []Difference{}}
	ua, ub := unitsByPath(a), unitsByPath(b)
	paths := slices.Sorted(maps.Keys(unionKeys(ua, ub)))
	res.Units = len(paths)
	for _, p := range paths {
		x, y := ua[p], ub[p]
		switch {
		case x == nil:
			c.add(Difference{Unit: p, Kind: KindUnit, What: "only in " + b.Name, B: Side{Present: true, Text: y.Source}})
		case y == nil:
			c.add(Difference{Unit: p, Kind: KindUnit, What: "only in " + a.Name, A: Side{Present: true, Text: x.Source}})
		default:
			c.unit(x, y)
			if res.StateCompared {
				c.state(p, opts.StateA[p], opts.StateB[p])
			}
		}
	}
	slices.SortStableFunc(c.diffs, func(x, y Difference) int {
		return cmp.Or(strings.Compare(x.Unit, y.Unit), cmp.Compare(kindOrder[x.Kind], kindOrder[y.Kind]))
	})
	for _, d := range c.diffs {
		if d.Declared {
			res.Declared++
		} else {
			res.Undeclared++
		}
	}
	res.Differences = append(res.Differences, c.diffs...)
	return res
}

type comparer struct {
	a, b   *Env
	pa, pb *placeholders
	decl   declarations
	diffs  []Difference
}

func (c *comparer) add(d Difference) {
	if m := c.decl.match(d.Unit, d.Kind, d.Path); m != nil {
		d.Declared, d.Reason, d.DeclaredAt = true, m.Reason, m.At()
	}
	c.diffs = append(c.diffs, d)
}

func (c *comparer) unit(x, y *Unit) {
	// Sources are compared as written: a module host under the company's
	// domain (git.example.com) is no environment's own domain.
	if x.Source != y.Source {
		c.add(Difference{Unit: x.Path, Kind: KindSource, What: "module source differs",
			A: Side{Present: true, Text: x.Source}, B: Side{Present: true, Text: y.Source}})
	}
	if x.Version != y.Version {
		c.add(Difference{Unit: x.Path, Kind: KindVersion, What: "module version differs",
			A: Side{Present: x.Version != "", Text: x.Version}, B: Side{Present: y.Version != "", Text: y.Version}})
	}
	for _, name := range slices.Sorted(maps.Keys(unionKeys(x.Dependencies, y.Dependencies))) {
		pa, inA := x.Dependencies[name]
		pb, inB := y.Dependencies[name]
		switch {
		case !inA:
			c.add(Difference{Unit: x.Path, Kind: KindDependency, Path: name, What: "only in " + c.b.Name, B: Side{Present: true, Text: pb}})
		case !inB:
			c.add(Difference{Unit: x.Path, Kind: KindDependency, Path: name, What: "only in " + c.a.Name, A: Side{Present: true, Text: pa}})
		case pa != pb:
			c.add(Difference{Unit: x.Path, Kind: KindDependency, Path: name, What: "points at another unit",
				A: Side{Present: true, Text: pa}, B: Side{Present: true, Text: pb}})
		}
	}
	w := &walker{c: c, unit: x.Path}
	for _, name := range slices.Sorted(maps.Keys(unionKeys(x.Inputs, y.Inputs))) {
		va, inA := x.Inputs[name]
		vb, inB := y.Inputs[name]
		w.atA, w.atB = x.InputAt[name], y.InputAt[name]
		switch {
		case !inA:
			w.onlyIn(name, false, vb, "")
		case !inB:
			w.onlyIn(name, true, va, "")
		default:
			w.compare(name, va, vb)
		}
	}
}

func (c *comparer) state(unit string, ra, rb map[string]int) {
	type res struct {
		addr  string
		count int
	}
	norm := func(m map[string]int, p *placeholders) map[string]res {
		out := map[string]res{}
		for addr, n := range m {
			out[p.normalize(addr)] = res{addr, n}
		}
		return out
	}
	na, nb := norm(ra, c.pa), norm(rb, c.pb)
	count := func(n int) string {
		if n == 1 {
			return "1 instance"
		}
		return fmt.Sprintf("%d instances", n)
	}
	for _, key := range slices.Sorted(maps.Keys(unionKeys(na, nb))) {
		x, inA := na[key]
		y, inB := nb[key]
		switch {
		case !inA:
			c.add(Difference{Unit: unit, Kind: KindResource, Path: y.addr, What: "only in " + c.b.Name + "'s state", B: Side{Present: true, Text: count(y.count)}})
		case !inB:
			c.add(Difference{Unit: unit, Kind: KindResource, Path: x.addr, What: "only in " + c.a.Name + "'s state", A: Side{Present: true, Text: count(x.count)}})
		case x.count != y.count:
			c.add(Difference{Unit: unit, Kind: KindResource, Path: x.addr, What: "instance count differs",
				A: Side{Present: true, Text: count(x.count)}, B: Side{Present: true, Text: count(y.count)}})
		}
	}
}

func unitsByPath(e *Env) map[string]*Unit {
	out := map[string]*Unit{}
	for _, u := range e.Units {
		out[u.Path] = u
	}
	return out
}

func unionKeys[V any](a, b map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// entries says how many entries a list has, for "only in" messages.
func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// pathAttr appends a key to an input path: .key for identifiers,
// ["key"] otherwise.
func pathAttr(path, key string) string {
	ident := key != ""
	for i, r := range key {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r == '-' || r >= '0' && r <= '9')) {
			ident = false
			break
		}
	}
	if ident {
		return path + "." + key
	}
	return path + "[" + quote(key) + "]"
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
