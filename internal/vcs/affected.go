package vcs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/discover"
	"github.com/stackctl/stackctl/internal/graph"
)

// ReasonKind says why a unit is selected.
type ReasonKind string

// The reasons a unit can be selected for.
const (
	ReasonRoot       ReasonKind = "root"       // stackctl.hcl changed
	ReasonEnv        ReasonKind = "env"        // the environment's env.hcl changed
	ReasonUnit       ReasonKind = "unit"       // a file in the unit's folder (unit.hcl, .tf files, the lock file, ...)
	ReasonModule     ReasonKind = "module"     // a file of its local module, or of a local module that one calls
	ReasonFile       ReasonKind = "file"       // another file the unit reads (Scope.ExtraFiles)
	ReasonDependency ReasonKind = "dependency" // it depends on a selected unit
)

// Reason is one cause of a unit's selection.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// File and Status: the changed file (relative to the repository's top
	// level), for every kind but dependency.
	File   string `json:"file,omitempty"`
	Status Status `json:"status,omitempty"`
	// Module is the module folder the file belongs to; CalledFrom is the
	// unit's own source module when Module is a module that one calls.
	Module     string `json:"module,omitempty"`
	CalledFrom string `json:"called_from,omitempty"`
	// Unit is, for a dependency, the changed unit depended on; Through the
	// units between them (nearest first), when it is not a direct
	// dependency.
	Unit    string   `json:"unit,omitempty"`
	Through []string `json:"through,omitempty"`
}

func (r Reason) String() string {
	switch r.Kind {
	case ReasonDependency:
		if len(r.Through) > 0 {
			return fmt.Sprintf("depends on %s (through %s)", r.Unit, strings.Join(r.Through, " → "))
		}
		return "depends on " + r.Unit
	case ReasonModule:
		if r.CalledFrom != "" {
			return fmt.Sprintf("%s %s (module %s, called from %s)", r.File, r.Status, r.Module, r.CalledFrom)
		}
		return fmt.Sprintf("%s %s (module %s)", r.File, r.Status, r.Module)
	default:
		return fmt.Sprintf("%s %s", r.File, r.Status)
	}
}

// Scope is the environment whose units are matched against the changes.
type Scope struct {
	Stack *config.Stack
	Graph *graph.Graph
	// ExtraFiles lists, by unit path, other files or folders a unit reads
	// (absolute): included shared unit files, files read with file(). A
	// change to one selects the unit.
	ExtraFiles map[string][]string
}

// SelectedUnit is one unit to run, with why.
type SelectedUnit struct {
	Path    string   `json:"path"`
	Reasons []Reason `json:"reasons"`
}

// DeletedUnit is a unit whose unit.hcl existed at the merge base and no
// longer does. Its configuration can be read at MergeBase (Changes.Checkout).
type DeletedUnit struct {
	Env       string `json:"env"`
	Path      string `json:"path"` // unit path within the environment
	File      string `json:"file"` // its unit.hcl, relative to the top level
	MergeBase string `json:"merge_base"`
}

// Selection is what --changed-since selects in one environment.
type Selection struct {
	Ref       string         `json:"ref"`
	MergeBase string         `json:"merge_base"`
	Env       string         `json:"env"`
	Units     []SelectedUnit `json:"units"`   // in dependency order
	Deleted   []DeletedUnit  `json:"deleted"` // by path
	// Unmatched are changed files in the environment's folder that no unit
	// owns (a file a unit.hcl reads from a shared folder, say): a caller
	// should say that they selected nothing.
	Unmatched []ChangedFile `json:"unmatched"`
}

// Paths returns the selected unit paths as a set, for graph selections.
func (s *Selection) Paths() map[string]bool {
	out := make(map[string]bool, len(s.Units))
	for _, u := range s.Units {
		out[u.Path] = true
	}
	return out
}

// Unit returns the selected unit with the given path, or nil.
func (s *Selection) Unit(p string) *SelectedUnit {
	for i := range s.Units {
		if s.Units[i].Path == p {
			return &s.Units[i]
		}
	}
	return nil
}

// Affected maps changes onto the units of one environment: the units whose
// folder, local module (or a local module it calls), extra files, env.hcl
// or stackctl.hcl changed, then every unit depending on one of them.
func Affected(ch *Changes, sc Scope) (*Selection, error) {
	st := sc.Stack
	m := &matcher{top: ch.TopLevel, reasons: map[string][]Reason{}, unitDirs: map[string]string{}, modules: map[string][]moduleUse{}, extra: map[string][]string{}}
	rootFile := m.rel(st.Root.File)
	envFile := m.rel(st.Env.File)
	envDir := m.rel(st.Env.Dir)
	for _, u := range st.Units {
		m.unitDirs[m.rel(u.Dir)] = u.Path
		for _, f := range sc.ExtraFiles[u.Path] {
			r := m.rel(f)
			m.extra[r] = append(m.extra[r], u.Path)
		}
	}
	if err := m.indexModules(st); err != nil {
		return nil, err
	}
	sel := &Selection{Ref: ch.Ref, MergeBase: ch.MergeBase, Env: st.Env.Name}

	// Deleted units first: their remaining changed files are theirs, not
	// unmatched, nor a parent unit's.
	deletedDirs := map[string]bool{}
	for _, f := range ch.Files {
		if f.Status != Deleted || path.Base(f.Path) != discover.UnitFile || !under(f.Path, envDir) {
			continue
		}
		dir := path.Dir(f.Path)
		if _, exists := m.unitDirs[dir]; exists || dir == envDir {
			continue
		}
		if _, err := os.Stat(filepath.Join(ch.TopLevel, filepath.FromSlash(f.Path))); err == nil {
			continue
		}
		unitPath := strings.TrimPrefix(dir, envDir+"/")
		sel.Deleted = append(sel.Deleted, DeletedUnit{Env: st.Env.Name, Path: unitPath, File: f.Path, MergeBase: ch.MergeBase})
		deletedDirs[dir] = true
	}
	sort.Slice(sel.Deleted, func(i, j int) bool { return sel.Deleted[i].Path < sel.Deleted[j].Path })

	for _, f := range ch.Files {
		switch {
		case f.Path == rootFile:
			m.addAll(st, Reason{Kind: ReasonRoot, File: f.Path, Status: f.Status})
			continue
		case f.Path == envFile:
			m.addAll(st, Reason{Kind: ReasonEnv, File: f.Path, Status: f.Status})
			continue
		}
		matched := m.matchModules(f)
		matched = m.matchExtra(f) || matched
		if under(f.Path, envDir) {
			owner, deleted := m.owner(f.Path, envDir, deletedDirs)
			switch {
			case owner != "":
				m.add(owner, Reason{Kind: ReasonUnit, File: f.Path, Status: f.Status})
			case !deleted && !matched:
				sel.Unmatched = append(sel.Unmatched, f)
			}
		}
	}

	direct := map[string]bool{}
	for p := range m.reasons {
		direct[p] = true
	}
	for p := range direct {
		for _, d := range sc.Graph.TransitiveDependents(p) {
			if !direct[d] && m.reasons[d] == nil {
				m.reasons[d] = dependencyReasons(sc.Graph, d, direct)
			}
		}
	}
	chosen := make(map[string]bool, len(m.reasons))
	for p := range m.reasons {
		chosen[p] = true
	}
	for _, p := range sc.Graph.OrderOf(chosen) {
		sel.Units = append(sel.Units, SelectedUnit{Path: p, Reasons: m.reasons[p]})
	}
	return sel, nil
}

// dependencyReasons walks from unit x towards its dependencies, breadth
// first, and names every changed unit reached with the shortest way there.
func dependencyReasons(g *graph.Graph, x string, changed map[string]bool) []Reason {
	parent := map[string]string{x: ""}
	queue := []string{x}
	var out []Reason
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, d := range g.Dependencies(n) {
			if _, seen := parent[d]; seen {
				continue
			}
			parent[d] = n
			queue = append(queue, d)
			if changed[d] {
				var through []string
				for p := n; p != x; p = parent[p] {
					through = append([]string{p}, through...)
				}
				out = append(out, Reason{Kind: ReasonDependency, Unit: d, Through: through})
			}
		}
	}
	return out
}
