package state

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Address names a resource or one of its instances the way Terraform
// prints it: module.app["api"].data.aws_iam_policy_document.assume[0].
type Address struct {
	Module string // "" for the root module, else module.NAME[KEY]...
	Mode   string // ModeManaged or ModeData
	Type   string
	Name   string
	// Key is the instance key; it is meaningful only when HasKey is set:
	// aws_x.y names the resource (or its single instance), aws_x.y[0] one
	// instance.
	Key    InstanceKey
	HasKey bool
}

// ParseAddress reads a resource or instance address as `terraform state
// list` prints it.
func ParseAddress(s string) (Address, error) {
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() {
		return Address{}, fmt.Errorf("%q is not a resource address: %s", s, diags[0].Detail)
	}
	bad := func(why string) (Address, error) {
		return Address{}, fmt.Errorf("%q is not a resource address: %s", s, why)
	}
	names, keys := make([]string, 0, len(trav)), make([]*InstanceKey, 0, len(trav))
	for _, step := range trav {
		switch st := step.(type) {
		case hcl.TraverseRoot:
			names, keys = append(names, st.Name), append(keys, nil)
		case hcl.TraverseAttr:
			names, keys = append(names, st.Name), append(keys, nil)
		case hcl.TraverseIndex:
			if len(keys) == 0 || keys[len(keys)-1] != nil {
				return bad("an index must follow a name")
			}
			k, err := keyOf(st.Key)
			if err != nil {
				return bad(err.Error())
			}
			keys[len(keys)-1] = &k
		default:
			return bad("unexpected " + fmt.Sprintf("%T", step))
		}
	}
	var a Address
	var mod strings.Builder
	i := 0
	for i+1 < len(names) && names[i] == "module" {
		if keys[i] != nil {
			return bad("module must be followed by a module name")
		}
		if mod.Len() > 0 {
			mod.WriteByte('.')
		}
		mod.WriteString("module." + names[i+1])
		if k := keys[i+1]; k != nil {
			mod.WriteString(k.String())
		}
		i += 2
	}
	a.Module = mod.String()
	a.Mode = ModeManaged
	if i < len(names) && names[i] == "data" && keys[i] == nil {
		a.Mode = ModeData
		i++
	}
	if len(names)-i != 2 || keys[i] != nil {
		return bad("want [module.NAME.]...[data.]TYPE.NAME[KEY]")
	}
	a.Type, a.Name = names[i], names[i+1]
	if k := keys[i+1]; k != nil {
		a.Key, a.HasKey = *k, true
	}
	return a, nil
}

func keyOf(v cty.Value) (InstanceKey, error) {
	switch {
	case v.IsNull() || !v.IsKnown():
		return InstanceKey{}, fmt.Errorf("bad index")
	case v.Type() == cty.String:
		return StringKey(v.AsString()), nil
	case v.Type() == cty.Number:
		bf := v.AsBigFloat()
		i, acc := bf.Int64()
		if !bf.IsInt() || acc != 0 || i < 0 {
			return InstanceKey{}, fmt.Errorf("index %s is not a whole number", bf.String())
		}
		return IntKey(int(i)), nil
	}
	return InstanceKey{}, fmt.Errorf("an index is a number or a string")
}

// String prints the address as Terraform does.
func (a Address) String() string {
	var b strings.Builder
	if a.Module != "" {
		b.WriteString(a.Module + ".")
	}
	if a.Mode == ModeData {
		b.WriteString("data.")
	}
	b.WriteString(a.Type + "." + a.Name)
	if a.HasKey {
		b.WriteString(a.Key.String())
	}
	return b.String()
}

// Resource returns the address without its instance key.
func (a Address) Resource() Address {
	a.Key, a.HasKey = InstanceKey{}, false
	return a
}

// Address is the resource's address.
func (r *Resource) Address() string { return r.addr().String() }

func (r *Resource) addr() Address {
	return Address{Module: r.Module, Mode: r.Mode, Type: r.Type, Name: r.Name}
}

// InstanceAddress is the address of one of the resource's instances.
func (r *Resource) InstanceAddress(i *Instance) string {
	a := r.addr()
	a.Key, a.HasKey = i.IndexKey, !i.IndexKey.IsZero()
	return a.String()
}

// Object is one instance object of a state with its address. Deposed
// objects share their instance's address and have Instance.Deposed set.
type Object struct {
	Address  string
	Resource *Resource
	Instance *Instance
}

// Objects lists every instance object in Terraform's order (the order of
// `terraform state list`, deposed objects after their instance).
func (s *State) Objects() []Object {
	rs := slices.Clone(s.Resources)
	sort.SliceStable(rs, func(i, j int) bool { return resourceLess(rs[i], rs[j]) })
	out := make([]Object, 0, s.Instances())
	for _, r := range rs {
		for _, i := range sortedInstances(r.Instances) {
			out = append(out, Object{Address: r.InstanceAddress(i), Resource: r, Instance: i})
		}
	}
	return out
}

// Resource finds a resource by its address (an instance key in addr is
// ignored); nil when there is none.
func (s *State) Resource(addr string) (*Resource, error) {
	a, err := ParseAddress(addr)
	if err != nil {
		return nil, err
	}
	return s.resourceAt(a), nil
}

func (s *State) resourceAt(a Address) *Resource {
	a = a.Resource()
	for _, r := range s.Resources {
		if r.addr() == a {
			return r
		}
	}
	return nil
}

// Instance finds the current (not deposed) object of an instance by
// address; aws_x.y means the instance without a key. Both results are nil
// when there is none.
func (s *State) Instance(addr string) (*Resource, *Instance, error) {
	a, err := ParseAddress(addr)
	if err != nil {
		return nil, nil, err
	}
	r := s.resourceAt(a)
	if r == nil {
		return nil, nil, nil
	}
	for _, i := range r.Instances {
		if i.IndexKey == a.Key && i.Deposed == "" {
			return r, i, nil
		}
	}
	return nil, nil, nil
}

// quoteHCL quotes a for_each key the way Terraform prints it in addresses:
// HCL string syntax, with template introducers doubled.
func quoteHCL(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '$', '%':
			b.WriteRune(r)
			if strings.HasPrefix(s[i+1:], "{") {
				b.WriteRune(r)
			}
		default:
			switch {
			case unicode.IsPrint(r):
				b.WriteRune(r)
			case r < 0x10000:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
