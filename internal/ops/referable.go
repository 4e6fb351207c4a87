package ops

import (
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/config"
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

// imported are the root-module instances plan imports, as Referables:
// generated in the same run, they are not in the state yet, and the
// values terraform read (the change's before) are the ones the generated
// literals repeat. Sensitive values are left out, as in referables.
// A failed plan (p nil, or no JSON) gives none.
func imported(p *tfjson.Plan) []adopt.Referable {
	if p == nil {
		return nil
	}
	var out []adopt.Referable
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || rc.Change.Importing == nil || rc.ModuleAddress != "" || rc.Mode != tfjson.ManagedResourceMode {
			continue
		}
		values, _ := rc.Change.Before.(map[string]any)
		secret, _ := rc.Change.BeforeSensitive.(map[string]any)
		if values == nil {
			values, _ = rc.Change.After.(map[string]any)
			secret, _ = rc.Change.AfterSensitive.(map[string]any)
		}
		ref := adopt.Referable{Type: rc.Type, Name: rc.Name, Values: map[string]string{}}
		switch k := rc.Index.(type) {
		case float64:
			ref.Key = cty.NumberIntVal(int64(k))
		case string:
			ref.Key = cty.StringVal(k)
		}
		for _, k := range []string{"id", "arn", "name"} {
			if v, ok := values[k].(string); ok && v != "" && secret[k] != true {
				ref.Values[k] = v
			}
		}
		out = append(out, ref)
	}
	return out
}

// linkable are the inputs a generated literal may become var.NAME for:
// those that reach a variable of the root module (declared), neither
// sensitive nor unknown, so that the reference passes the same value and
// shows no secret.
func linkable(inputs []config.Input, declared map[string]bool) map[string]cty.Value {
	out := map[string]cty.Value{}
	for _, in := range inputs {
		if declared[in.Name] && !in.Sensitive() && in.Value.IsWhollyKnown() {
			out[in.Name] = in.Value
		}
	}
	return out
}
