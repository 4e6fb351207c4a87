package ops

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/state"
)

// Managed lists every resource instance that some unit's state manages,
// across the whole environment (not only the selection): a resource is
// unmanaged only when no unit has it.
func (e *Engine) Managed(ctx context.Context) ([]adopt.Managed, error) {
	paths := e.Stack.UnitPaths()
	states, err := e.ReadStates(ctx, paths, nil)
	if err != nil {
		return nil, err
	}
	var out []adopt.Managed
	for _, p := range paths {
		st := states[p]
		if st == nil {
			continue
		}
		for _, o := range st.Objects() {
			if o.Resource.Mode != state.ModeManaged || o.Instance.Deposed != "" {
				continue
			}
			attrs, err := o.Instance.AttributeValues()
			if err != nil {
				return nil, fmt.Errorf("the state of %s, %s: %w", p, o.Address, err)
			}
			out = append(out, adopt.ManagedFrom(p, o.Address, o.Resource.Type, attrs))
		}
	}
	return out, nil
}

// Discover finds the environment's resources that no unit's state manages
// (import --discover): those carrying the discover block's tags, and what
// a dashboard leaves on managed resources. cfg is the AWS configuration
// to search with; the block's regions replace its region.
func (e *Engine) Discover(ctx context.Context, cfg aws.Config) ([]*adopt.Unmanaged, error) {
	d, diags := e.Stack.Discovery()
	if diags.HasErrors() {
		return nil, &DiagError{Diags: diags}
	}
	managed, err := e.Managed(ctx)
	if err != nil {
		return nil, err
	}
	found, err := adopt.Discover(ctx, cfg, adopt.DiscoverOptions{Tags: d.Tags, UnitTag: d.UnitTag, Managed: managed, Regions: d.Regions})
	if err != nil {
		return nil, err
	}
	var out []*adopt.Unmanaged
	for _, u := range found {
		// A suggestion for an unknown unit (a stale Unit tag) is no
		// suggestion.
		if u.Unit != "" && e.Stack.Unit(u.Unit) == nil {
			u.Reason = fmt.Sprintf("its unit %q is not a unit of %s", u.Unit, e.Env())
			u.Unit = ""
		}
		if u.Unit == "" || e.Selected[u.Unit] {
			out = append(out, u)
		}
	}
	return out, nil
}

// DiscoveredImports groups what Discover found by suggested unit, as
// ImportPlan takes it; resources without a unit or a known type are left
// out.
func DiscoveredImports(found []*adopt.Unmanaged) (map[string]ImportSpec, error) {
	specs := map[string]ImportSpec{}
	for _, u := range found {
		if u.Unit == "" || u.Type == "" || u.Address == "" {
			continue
		}
		a, err := adopt.ParseAddress(u.Address)
		if err != nil {
			return nil, err
		}
		s := specs[u.Unit]
		s.Name = "discovered"
		s.Imports = append(s.Imports, adopt.Import{To: a, ID: u.ID})
		specs[u.Unit] = s
	}
	return specs, nil
}
