package surgery

import (
	"context"
	"fmt"

	"github.com/stackctl/stackctl/internal/state"
)

// UnitState is one unit's state for state list.
type UnitState struct {
	Unit    string          `json:"unit"`
	Where   string          `json:"where"`
	Exists  bool            `json:"exists"`
	Serial  uint64          `json:"serial,omitempty"`
	Lineage string          `json:"lineage,omitempty"`
	Objects []ListedObject  `json:"resources"`
	Errored []*ErroredState `json:"errored,omitempty"`
}

// ListedObject is one resource instance object: address and ID.
type ListedObject struct {
	Address string `json:"address"`
	ID      string `json:"id,omitempty"`
	Deposed string `json:"deposed,omitempty"`
	Tainted bool   `json:"tainted,omitempty"`
}

// List reads the selected units' states: addresses and IDs, in
// `terraform state list` order, and the errored states kept for them.
func List(ctx context.Context, env Env) ([]UnitState, error) {
	units, _ := env.Selected()
	st := env.Stack()
	errored, err := ListErrored(st.Root.Dir, st.Env.Name, units)
	if err != nil {
		return nil, err
	}
	var out []UnitState
	for _, p := range units {
		tg, err := target(ctx, env, st.Unit(p))
		if err != nil {
			return nil, err
		}
		snap, err := tg.Store.ReadRaw(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the state of %s: %w", p, err)
		}
		cur, err := parseStored(p, snap.Data)
		if err != nil {
			return nil, err
		}
		us := UnitState{Unit: p, Where: tg.Store.Describe(), Objects: []ListedObject{}}
		for _, e := range errored {
			if e.Unit == p {
				us.Errored = append(us.Errored, e)
			}
		}
		if cur != nil {
			us.Exists, us.Serial, us.Lineage = true, cur.Serial, cur.Lineage
			for _, o := range cur.Objects() {
				lo := ListedObject{Address: o.Address, Deposed: o.Instance.Deposed, Tainted: o.Instance.Status == "tainted"}
				if id, err := o.Instance.Attribute("id"); err == nil {
					if s, ok := id.(string); ok {
						lo.ID = s
					}
				}
				us.Objects = append(us.Objects, lo)
			}
		}
		out = append(out, us)
	}
	return out, nil
}

// UnitBackups is one unit's backups for state backups.
type UnitBackups struct {
	Unit    string          `json:"unit"`
	Dir     string          `json:"dir"`
	Backups []*state.Backup `json:"backups"`
}

// Backups lists the selected units' backups, oldest first.
func Backups(ctx context.Context, env Env) ([]UnitBackups, error) {
	units, _ := env.Selected()
	var out []UnitBackups
	for _, p := range units {
		_, bk, err := env.OpenStore(ctx, env.Stack().Unit(p))
		if err != nil {
			return nil, err
		}
		list, err := bk.List()
		if err != nil {
			return nil, err
		}
		if list == nil {
			list = []*state.Backup{}
		}
		out = append(out, UnitBackups{Unit: p, Dir: bk.Dir, Backups: list})
	}
	return out, nil
}
