package ops

import (
	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/zclconf/go-cty/cty"
)

// referables are the instances of st that configuration generated in the
// root module may refer to (adopt.Referable): managed, in the root
// module, with a resource block there (declared), neither deposed nor tainted (a
// tainted one is replaced, and a reference to it would replace the
// adopted resource too). Sensitive ids, arns and names are left out, so
// that no secret becomes a literal's match.
func referables(st *state.State, declared adopt.Blocks) []adopt.Referable {
	if st == nil {
		return nil
	}
	var out []adopt.Referable
	for _, o := range st.Objects() {
		r, i := o.Resource, o.Instance
		if r.Module != "" || r.Mode != state.ModeManaged || i.Deposed != "" || i.Status == "tainted" || !declared[r.Type+"."+r.Name] {
			continue
		}
		attrs, err := i.AttributeValues()
		if err != nil {
			continue // legacy flat attributes: nothing to refer to
		}
		secret := map[string]bool{}
		paths, _ := i.SensitivePaths()
		for _, p := range paths {
			if len(p) == 1 {
				if k, ok := p[0].(string); ok {
					secret[k] = true
				}
			}
		}
		ref := adopt.Referable{Type: r.Type, Name: r.Name, Values: map[string]string{}}
		if n, ok := i.IndexKey.Int(); ok {
			ref.Key = cty.NumberIntVal(int64(n))
		} else if s, ok := i.IndexKey.Str(); ok {
			ref.Key = cty.StringVal(s)
		}
		for _, k := range []string{"id", "arn", "name"} {
			if v, ok := attrs[k].(string); ok && v != "" && !secret[k] {
				ref.Values[k] = v
			}
		}
		out = append(out, ref)
	}
	return out
}
