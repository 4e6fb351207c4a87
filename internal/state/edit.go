package state

import (
	"fmt"
	"slices"
)

// Remove deletes what addr names from the state: a whole resource
// (aws_x.y) or one instance with its deposed objects (aws_x.y[0]). A
// resource left without instances is removed too. It returns how many
// instance objects went, and an error when there was nothing at addr.
func (s *State) Remove(addr string) (int, error) {
	a, err := ParseAddress(addr)
	if err != nil {
		return 0, err
	}
	r := s.resourceAt(a)
	if r == nil {
		return 0, fmt.Errorf("%s is not in the state", addr)
	}
	if !a.HasKey {
		s.dropResource(r)
		return len(r.Instances), nil
	}
	kept := r.Instances[:0:0]
	for _, i := range r.Instances {
		if i.IndexKey != a.Key {
			kept = append(kept, i)
		}
	}
	n := len(r.Instances) - len(kept)
	if n == 0 {
		return 0, fmt.Errorf("%s is not in the state", addr)
	}
	r.Instances = kept
	if len(kept) == 0 {
		s.dropResource(r)
	}
	return n, nil
}

func (s *State) dropResource(r *Resource) {
	s.Resources = slices.DeleteFunc(s.Resources, func(x *Resource) bool { return x == r })
}

// Move moves what from names in src to the address to in dst, as
// `terraform state mv` does; src and dst may be the same state.
//
//   - Both without an instance key: the whole resource moves (it may be
//     renamed, or go to another module); nothing may exist at to yet.
//   - Otherwise one instance (and its deposed objects) moves; from without
//     a key means the instance without one. The resource at to is created
//     when missing, with the source's provider; the instance at to must
//     not exist yet.
//
// The resource type and mode never change. Dependencies recorded by other
// resources are left as they are, as Terraform leaves them.
func Move(src *State, from string, dst *State, to string) error {
	fa, err := ParseAddress(from)
	if err != nil {
		return err
	}
	ta, err := ParseAddress(to)
	if err != nil {
		return err
	}
	if fa.Type != ta.Type || fa.Mode != ta.Mode {
		return fmt.Errorf("cannot move %s to %s: the resource type and mode must stay the same", from, to)
	}
	r := src.resourceAt(fa)
	if r == nil {
		return fmt.Errorf("%s is not in the state", from)
	}
	if !fa.HasKey && !ta.HasKey {
		if existing := dst.resourceAt(ta); existing != nil && existing != r {
			return fmt.Errorf("cannot move %s to %s: %s already exists", from, to, ta)
		}
		src.dropResource(r)
		r.Module, r.Name = ta.Module, ta.Name
		dst.Resources = append(dst.Resources, r)
		return nil
	}

	var moving, staying []*Instance
	for _, i := range r.Instances {
		if i.IndexKey == fa.Key {
			moving = append(moving, i)
		} else {
			staying = append(staying, i)
		}
	}
	if len(moving) == 0 {
		return fmt.Errorf("%s is not in the state", from)
	}
	target := dst.resourceAt(ta)
	if target != nil {
		for _, i := range target.Instances {
			if i.IndexKey == ta.Key && !(target == r && ta.Key == fa.Key) {
				return fmt.Errorf("cannot move %s to %s: %s already exists", from, to, ta)
			}
		}
	}
	r.Instances = staying
	if len(staying) == 0 && r != target {
		src.dropResource(r)
	}
	if target == nil {
		target = &Resource{Module: ta.Module, Mode: ta.Mode, Type: ta.Type, Name: ta.Name, Provider: r.Provider}
		dst.Resources = append(dst.Resources, target)
	}
	for _, i := range moving {
		i.IndexKey = ta.Key
	}
	target.Instances = append(target.Instances, moving...)
	return nil
}
