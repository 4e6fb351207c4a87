package surgery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/state"
)

// Edit is one change a rewrite makes to a state, shown before it is made.
type Edit struct {
	Unit string `json:"unit"`
	// Address is the instance (or output.NAME) as it is before the edit.
	Address string `json:"address"`
	// Attribute is the path inside it, as Terraform prints paths
	// (groups[0], tags["Name"]); "" when the edit is to the address
	// itself (a for_each key), which then moves to New.
	Attribute string `json:"attribute,omitempty"`
	Old       string `json:"old"`
	New       string `json:"new"`
	// Sensitive edits show neither value.
	Sensitive bool `json:"sensitive,omitempty"`
}

// identifying says which attributes name a remote object, by the last
// object key on the path to a value: these are what a provider reads an
// object back with, so an app renamed outside Terraform must have them
// rewritten before a refresh can find it. Other attributes (tags, policy
// documents, descriptions) are read back from the remote object by the
// refresh anyway; rewriting them would only hide a change the next apply
// must make.
var (
	identifyingNames = map[string]bool{
		"id": true, "name": true, "names": true, "arn": true, "app": true, "identifier": true,
		"host": true, "hosts": true, "hostname": true, "hostnames": true, "url": true, "urls": true,
		"domain": true, "domains": true, "cname": true, "fqdn": true, "endpoint": true, "address": true,
		"user": true, "users": true, "group": true, "groups": true, "role": true, "roles": true,
		"bucket": true, "cluster": true, "service": true, "alias": true, "aliases": true,
	}
	identifyingSuffixes = []string{
		"_id", "_ids", "_name", "_names", "_arn", "_arns", "_identifier", "_host", "_hosts", "_hostname",
		"_url", "_urls", "_domain", "_endpoint", "_user", "_group", "_role", "_app",
	}
)

// Identifying reports whether an attribute named key identifies its
// object (see identifyingNames).
func Identifying(key string) bool {
	if identifyingNames[key] {
		return true
	}
	for _, s := range identifyingSuffixes {
		if strings.HasSuffix(key, s) {
			return true
		}
	}
	return false
}

// RenameState rewrites st in place: in every managed resource instance
// not excluded, each identifying attribute holding r.Old as a delimited
// token, the identity Terraform 1.12 records, for_each keys, and root
// outputs. It returns the edits in address order. Data sources are left
// as they are: every plan reads them again from configuration.
func RenameState(unit string, st *state.State, r *Renamer, exclude []string) ([]Edit, error) {
	var edits []Edit
	type keyMove struct{ from, to string }
	var moves []keyMove
	for _, o := range st.Objects() {
		if o.Resource.Mode != state.ModeManaged || excluded(exclude, o) {
			continue
		}
		inst := o.Instance
		vals, err := inst.AttributeValues()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", unit, o.Address, err)
		}
		sens, err := inst.SensitivePaths()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", unit, o.Address, err)
		}
		var found []valueEdit
		walkStrings(vals, nil, "", func(path []any, key, s string) {
			if !Identifying(key) {
				return
			}
			if ns, n := r.Replace(s); n > 0 {
				found = append(found, valueEdit{path: path, old: s, new: ns})
			}
		})
		for _, f := range found {
			if err := inst.SetAttribute(f.new, f.path...); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", unit, o.Address, err)
			}
			e := Edit{Unit: unit, Address: o.Address, Attribute: PathString(f.path), Old: f.old, New: f.new, Sensitive: under(sens, f.path)}
			edits = append(edits, e.masked())
		}
		if len(inst.Identity) > 0 {
			ie, err := renameIdentity(inst, r)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: identity: %w", unit, o.Address, err)
			}
			for _, f := range ie {
				edits = append(edits, Edit{Unit: unit, Address: o.Address, Attribute: "identity." + PathString(f.path), Old: f.old, New: f.new})
			}
		}
		if k, ok := inst.IndexKey.Str(); ok && inst.Deposed == "" {
			if nk, n := r.Replace(k); n > 0 {
				a, _ := state.ParseAddress(o.Address)
				a.Key = state.StringKey(nk)
				moves = append(moves, keyMove{o.Address, a.String()})
			}
		}
	}
	for _, m := range moves {
		if err := state.Move(st, m.from, st, m.to); err != nil {
			return nil, fmt.Errorf("%s: renaming the for_each key of %s: %w", unit, m.from, err)
		}
		edits = append(edits, Edit{Unit: unit, Address: m.from, Old: m.from, New: m.to})
	}
	outEdits, err := renameOutputs(unit, st, r, exclude)
	if err != nil {
		return nil, err
	}
	edits = append(edits, outEdits...)
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].Address != edits[j].Address {
			return edits[i].Address < edits[j].Address
		}
		return edits[i].Attribute < edits[j].Attribute
	})
	return edits, nil
}

type valueEdit struct {
	path     []any
	old, new string
}

func (e Edit) masked() Edit {
	if e.Sensitive {
		e.Old, e.New = "(sensitive)", "(sensitive)"
	}
	return e
}

// excluded reports whether an --exclude pattern matches the object's
// instance address or its resource's address.
func excluded(patterns []string, o state.Object) bool {
	for _, p := range patterns {
		if AddressMatch(p, o.Address) || AddressMatch(p, o.Resource.Address()) {
			return true
		}
	}
	return false
}

// walkStrings calls f for every string in v (decoded JSON) with its path
// and the nearest object key above it.
func walkStrings(v any, path []any, key string, f func(path []any, key, s string)) {
	switch x := v.(type) {
	case string:
		f(append([]any(nil), path...), key, x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkStrings(x[k], append(path, k), k, f)
		}
	case []any:
		for i, c := range x {
			walkStrings(c, append(path, i), key, f)
		}
	}
}

// under reports whether path is, or lies below, one of the sensitive
// paths.
func under(sensitive [][]any, path []any) bool {
	for _, s := range sensitive {
		if len(s) <= len(path) {
			match := true
			for i := range s {
				if fmt.Sprint(s[i]) != fmt.Sprint(path[i]) {
					match = false
					break
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}

// PathString prints an attribute path as Terraform does: tags["Name"],
// groups[0].
func PathString(path []any) string {
	var b strings.Builder
	for n, step := range path {
		switch s := step.(type) {
		case string:
			if n == 0 {
				b.WriteString(s)
			} else if hclName(s) {
				b.WriteString("." + s)
			} else {
				fmt.Fprintf(&b, "[%q]", s)
			}
		default:
			fmt.Fprintf(&b, "[%v]", s)
		}
	}
	return b.String()
}

func hclName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r == '-' || r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// renameIdentity rewrites every string of the resource identity: an
// identity is by definition what identifies the object.
func renameIdentity(inst *state.Instance, r *Renamer) ([]valueEdit, error) {
	dec := json.NewDecoder(bytes.NewReader(inst.Identity))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var found []valueEdit
	walkStrings(v, nil, "", func(path []any, _ string, s string) {
		if ns, n := r.Replace(s); n > 0 {
			found = append(found, valueEdit{path: path, old: s, new: ns})
		}
	})
	if len(found) == 0 {
		return nil, nil
	}
	for _, f := range found {
		v = setPath(v, f.path, f.new)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	inst.Identity = b
	return found, nil
}

func setPath(v any, path []any, s string) any {
	if len(path) == 0 {
		return s
	}
	switch x := v.(type) {
	case map[string]any:
		k := path[0].(string)
		x[k] = setPath(x[k], path[1:], s)
	case []any:
		i := path[0].(int)
		x[i] = setPath(x[i], path[1:], s)
	}
	return v
}

// renameOutputs rewrites every string of the root outputs: an output is
// what dependents read, and a plan after the rename computes it from the
// renamed configuration; leaving the old value would show as a change.
func renameOutputs(unit string, st *state.State, r *Renamer, exclude []string) ([]Edit, error) {
	var edits []Edit
	for _, name := range st.OutputNames() {
		addr := "output." + name
		if skip := func() bool {
			for _, p := range exclude {
				if AddressMatch(p, addr) {
					return true
				}
			}
			return false
		}(); skip {
			continue
		}
		o := st.Outputs[name]
		var found []valueEdit
		nv, err := cty.TransformWithTransformer(o.Value, outputRenamer{r: r, found: &found})
		if err != nil {
			return nil, fmt.Errorf("%s: output %s: %w", unit, name, err)
		}
		if len(found) == 0 {
			continue
		}
		no, err := state.NewOutput(nv, o.Sensitive)
		if err != nil {
			return nil, fmt.Errorf("%s: output %s: %w", unit, name, err)
		}
		st.Outputs[name] = no
		for _, f := range found {
			e := Edit{Unit: unit, Address: addr, Attribute: PathString(append([]any{"value"}, f.path...)), Old: f.old, New: f.new, Sensitive: o.Sensitive}
			edits = append(edits, e.masked())
		}
	}
	return edits, nil
}

type outputRenamer struct {
	r     *Renamer
	found *[]valueEdit
}

func (t outputRenamer) Enter(_ cty.Path, v cty.Value) (cty.Value, error) { return v, nil }

func (t outputRenamer) Exit(p cty.Path, v cty.Value) (cty.Value, error) {
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return v, nil
	}
	ns, n := t.r.Replace(v.AsString())
	if n == 0 {
		return v, nil
	}
	var path []any
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			path = append(path, s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.String {
				path = append(path, s.Key.AsString())
			} else {
				i, _ := s.Key.AsBigFloat().Int64()
				path = append(path, int(i))
			}
		}
	}
	*t.found = append(*t.found, valueEdit{path: path, old: v.AsString(), new: ns})
	return cty.StringVal(ns), nil
}

// AddressMatch matches a resource address against a pattern where * is
// any run of characters and ? any one; everything else, [ and " included,
// is literal, since addresses are full of both.
func AddressMatch(pattern, addr string) bool {
	if pattern == "" {
		return addr == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(addr); i++ {
			if AddressMatch(pattern[1:], addr[i:]) {
				return true
			}
		}
		return false
	case '?':
		return addr != "" && AddressMatch(pattern[1:], addr[1:])
	default:
		return addr != "" && addr[0] == pattern[0] && AddressMatch(pattern[1:], addr[1:])
	}
}
