package parity

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/redact"
)

// walker compares two values of one input, recursively, reporting each
// place they differ by its path.
type walker struct {
	c        *comparer
	unit     string
	atA, atB string // where the input is written in each environment
}

func (w *walker) diff(path, what string, a, b Side) {
	if a.Present {
		a.At = w.atA
	}
	if b.Present {
		b.At = w.atB
	}
	w.c.add(Difference{Unit: w.unit, Kind: KindInput, Path: path, What: what, A: a, B: b})
}

func (w *walker) onlyIn(path string, inA bool, v cty.Value, note string) {
	if inA {
		w.diff(path, "only in "+w.c.a.Name+note, w.side(v, w.c.pa), Side{})
	} else {
		w.diff(path, "only in "+w.c.b.Name+note, Side{}, w.side(v, w.c.pb))
	}
}

func (w *walker) compare(path string, va, vb cty.Value) {
	pa, pb := w.c.pa, w.c.pb
	ua, ma := va.Unmark()
	ub, mb := vb.Unmark()
	// Secrets are compared by a hash of their value and never shown; a
	// value that is secret on one side only is a difference in itself.
	sa, sb := sensitive(ma), sensitive(mb)
	if sa || sb {
		switch {
		case sa && sb && digest(va, pa) == digest(vb, pb):
		case sa && sb:
			w.diff(path, "secret differs", secretSide(), secretSide())
		case sa:
			w.diff(path, "sensitive in "+w.c.a.Name+" only", secretSide(), secretSide())
		default:
			w.diff(path, "sensitive in "+w.c.b.Name+" only", secretSide(), secretSide())
		}
		return
	}
	if !ua.IsKnown() || !ub.IsKnown() {
		if !ua.IsKnown() && !ub.IsKnown() && slices.Equal(refs(ma), refs(mb)) {
			return
		}
		w.diff(path, "differs", w.side(va, pa), w.side(vb, pb))
		return
	}
	if ua.IsNull() || ub.IsNull() {
		if !(ua.IsNull() && ub.IsNull()) {
			w.diff(path, "differs", w.side(va, pa), w.side(vb, pb))
		}
		return
	}
	ka, kb := class(ua.Type()), class(ub.Type())
	if ka != kb {
		w.diff(path, fmt.Sprintf("type differs (%s, %s)", ka, kb), w.side(va, pa), w.side(vb, pb))
		return
	}
	switch ka {
	case "string":
		if !sameTokens(pa.tokens(ua.AsString()), pb.tokens(ub.AsString())) {
			what := "differs"
			if ua.AsString() == ub.AsString() {
				// Typically a value copied from one environment that
				// still names that environment's domain.
				what = "same text in both, so it does not follow each environment's own domain and name"
			}
			w.diff(path, what, w.side(va, pa), w.side(vb, pb))
		}
	case "number", "bool":
		if !ua.Equals(ub).True() {
			w.diff(path, "differs", w.side(va, pa), w.side(vb, pb))
		}
	case "list":
		la, lb := ua.AsValueSlice(), ub.AsValueSlice()
		for i := 0; i < min(len(la), len(lb)); i++ {
			w.compare(fmt.Sprintf("%s[%d]", path, i), la[i], lb[i])
		}
		note := fmt.Sprintf(" (%s has %s, %s %s)", w.c.a.Name, entries(len(la)), w.c.b.Name, entries(len(lb)))
		for i := len(lb); i < len(la); i++ {
			w.onlyIn(fmt.Sprintf("%s[%d]", path, i), true, la[i], note)
		}
		for i := len(la); i < len(lb); i++ {
			w.onlyIn(fmt.Sprintf("%s[%d]", path, i), false, lb[i], note)
		}
	case "set":
		if !sameSet(ua, ub, pa, pb) {
			w.diff(path, "elements differ", w.side(va, pa), w.side(vb, pb))
		}
	case "map":
		w.compareMaps(path, ua, ub)
	}
}

// compareMaps pairs keys by their placeholders, so a key naming each
// environment's own domain is one key.
func (w *walker) compareMaps(path string, ua, ub cty.Value) {
	pa, pb := w.c.pa, w.c.pb
	ma, mb := ua.AsValueMap(), ub.AsValueMap()
	keysB := sortedKeys(mb)
	matched := map[string]bool{}
	for _, ka := range sortedKeys(ma) {
		ta := pa.tokens(ka)
		i := slices.IndexFunc(keysB, func(kb string) bool { return !matched[kb] && sameTokens(ta, pb.tokens(kb)) })
		if i < 0 {
			w.onlyIn(pathAttr(path, render(ta)), true, ma[ka], "")
			continue
		}
		matched[keysB[i]] = true
		w.compare(pathAttr(path, render(ta)), ma[ka], mb[keysB[i]])
	}
	for _, kb := range keysB {
		if !matched[kb] {
			w.onlyIn(pathAttr(path, pb.normalize(kb)), false, mb[kb], "")
		}
	}
}

func sameSet(ua, ub cty.Value, pa, pb *placeholders) bool {
	ea, eb := ua.AsValueSlice(), ub.AsValueSlice()
	if len(ea) != len(eb) {
		return false
	}
	ca, cb := make([]string, len(ea)), make([]string, len(eb))
	for i := range ea {
		ca[i] = canonical(ea[i], pa)
	}
	for i := range eb {
		cb[i] = canonical(eb[i], pb)
	}
	sort.Strings(ca)
	sort.Strings(cb)
	return slices.Equal(ca, cb)
}

func class(t cty.Type) string {
	switch {
	case t == cty.String:
		return "string"
	case t == cty.Number:
		return "number"
	case t == cty.Bool:
		return "bool"
	case t.IsListType() || t.IsTupleType():
		return "list"
	case t.IsSetType():
		return "set"
	case t.IsMapType() || t.IsObjectType():
		return "map"
	}
	return t.FriendlyName()
}

func sensitive(m cty.ValueMarks) bool {
	_, ok := m[config.Sensitive]
	return ok
}

// refs lists the dependency outputs a value's marks name.
func refs(m cty.ValueMarks) []string {
	var out []string
	for k := range m {
		if r, ok := k.(config.OutputRef); ok {
			out = append(out, r.String())
		}
	}
	sort.Strings(out)
	return out
}

func secretSide() Side { return Side{Present: true, Text: redact.Mask, Sensitive: true} }

// side describes a value for the views; Compared is set when the
// placeholders change it.
func (w *walker) side(v cty.Value, p *placeholders) Side {
	s := Side{Present: true, Text: display(v, nil)}
	if n := display(v, p); n != s.Text {
		s.Compared = n
	}
	if u, m := v.Unmark(); !u.IsKnown() {
		s.From = refs(m)
	}
	if _, m := v.UnmarkDeep(); sensitive(m) {
		s.Sensitive = true
	}
	return s
}

// display writes a value as HCL on one line, with its strings put through
// the placeholders when p is set. Secrets and unknowns are replaced by
// what stands in for them.
func display(v cty.Value, p *placeholders) string {
	u, m := v.Unmark()
	switch {
	case sensitive(m):
		return redact.Mask
	case !u.IsKnown():
		if r := refs(m); len(r) > 0 {
			return "(from " + strings.Join(r, ", ") + ")"
		}
		return "(known after apply)"
	case u.IsNull():
		return "null"
	}
	t := u.Type()
	switch {
	case t == cty.String:
		if p != nil {
			return quote(p.normalize(u.AsString()))
		}
		return quote(u.AsString())
	case t == cty.Number:
		return u.AsBigFloat().Text('g', -1)
	case t == cty.Bool:
		return fmt.Sprint(u.True())
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		var parts []string
		for _, e := range u.AsValueSlice() {
			parts = append(parts, display(e, p))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case t.IsMapType() || t.IsObjectType():
		m := u.AsValueMap()
		if len(m) == 0 {
			return "{}"
		}
		var parts []string
		for _, k := range sortedKeys(m) {
			key := k
			if p != nil {
				key = p.normalize(k)
			}
			if pathAttr("", key) != "."+key {
				key = quote(key)
			}
			parts = append(parts, key+" = "+display(m[k], p))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return "(" + t.FriendlyName() + ")"
}

// canonical is an exact text of a value with its placeholders, secrets
// included: it is only ever hashed or compared, never shown.
func canonical(v cty.Value, p *placeholders) string {
	u, _ := v.UnmarkDeep()
	if !u.IsKnown() {
		return "?"
	}
	if u.IsNull() {
		return "null"
	}
	t := u.Type()
	switch {
	case t == cty.String:
		return quote(p.normalize(u.AsString()))
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		var parts []string
		for _, e := range u.AsValueSlice() {
			parts = append(parts, canonical(e, p))
		}
		if t.IsSetType() {
			sort.Strings(parts)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case t.IsMapType() || t.IsObjectType():
		m := u.AsValueMap()
		var parts []string
		for _, k := range sortedKeys(m) {
			parts = append(parts, quote(p.normalize(k))+"="+canonical(m[k], p))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	}
	return display(u, nil)
}

func digest(v cty.Value, p *placeholders) [32]byte {
	return sha256.Sum256([]byte(canonical(v, p)))
}

func sortedKeys(m map[string]cty.Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
