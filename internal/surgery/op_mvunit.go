package surgery

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
)

// MoveUnitOptions are mv-unit's.
type MoveUnitOptions struct {
	From, To string // unit paths in the environment
	Command  string
}

// PrepareMoveUnit plans moving a unit's folder together with its state:
// the folder renamed, the relative source and dependency paths of the
// unit and of its dependents rewritten, the state copied to the new key
// (same lineage, next serial), verified with plans at the new path, and
// the old key deleted (S3 keeps its versions). It refuses when the new
// folder exists or the new key holds a state.
func PrepareMoveUnit(ctx context.Context, env Env, o MoveUnitOptions) (*Surgery, error) {
	st := env.Stack()
	from, to := strings.Trim(o.From, "/"), strings.Trim(o.To, "/")
	u, err := unitOf(st, from)
	if err != nil {
		return nil, err
	}
	if err := checkUnitPath(to); err != nil {
		return nil, err
	}
	switch {
	case to == from:
		return nil, fmt.Errorf("%s is already at %s: nothing to move", from, to)
	case strings.HasPrefix(to+"/", from+"/") || strings.HasPrefix(from+"/", to+"/"):
		return nil, fmt.Errorf("cannot move %s to %s: one is inside the other", from, to)
	case st.Unit(to) != nil:
		return nil, fmt.Errorf("cannot move %s to %s: there is a unit %s already", from, to, to)
	}
	for _, p := range st.UnitPaths() {
		if strings.HasPrefix(p, from+"/") {
			return nil, fmt.Errorf("cannot move %s: its folder holds unit %s too, whose state would move with it; move that one first", from, p)
		}
	}
	newDir := filepath.Join(st.Env.Dir, filepath.FromSlash(to))
	if _, err := os.Lstat(newDir); err == nil {
		return nil, fmt.Errorf("cannot move %s to %s: %s exists", from, to, relTo(st.Root.Dir, newDir))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	nb, diags := st.BackendAt(to)
	if diags.HasErrors() {
		return nil, fmt.Errorf("the state backend of %s at %s: %s", from, to, diags.Error())
	}
	oldT, err := target(ctx, env, u)
	if err != nil {
		return nil, err
	}
	sameKey := nb.StateKey() == u.Backend.StateKey()
	targets := []*Target{oldT}
	var newT *Target
	if !sameKey {
		newU := &config.Unit{Path: to, Name: path.Base(to), Dir: newDir, Backend: nb}
		if newT, err = target(ctx, env, newU); err != nil {
			return nil, err
		}
		targets = append(targets, newT)
	}

	// The file rewrites: the unit's own relative paths, and the paths of
	// dependency blocks that point at it.
	type fileRewrite struct {
		oldPath, newPath string // where it is now, and after the move
		dir              string // the folder its relative paths are relative to, after the move
		refs             func([]PathRef) ([]string, error)
	}
	rel := func(base, target string) (string, error) {
		r, err := filepath.Rel(base, target)
		if err != nil {
			return "", err
		}
		r = filepath.ToSlash(r)
		if !strings.HasPrefix(r, "../") && !strings.HasPrefix(r, "./") && r != ".." {
			r = "./" + r
		}
		return r, nil
	}
	rewrites := []fileRewrite{{
		oldPath: u.File, newPath: filepath.Join(newDir, filepath.Base(u.File)), dir: newDir,
		refs: func(refs []PathRef) ([]string, error) {
			vals := make([]string, len(refs))
			for i, ref := range refs {
				vals[i] = ref.Value
				if !strings.HasPrefix(ref.Value, "./") && !strings.HasPrefix(ref.Value, "../") {
					continue // absolute, or not a local path
				}
				p, sub, hasSub := strings.Cut(ref.Value, "//")
				target := filepath.Join(u.Dir, filepath.FromSlash(p))
				if in, err := filepath.Rel(u.Dir, target); err == nil && in != ".." && !strings.HasPrefix(in, ".."+string(filepath.Separator)) {
					// Inside the unit folder (source = "./mod"): it
					// moves with the folder.
					target = filepath.Join(newDir, in)
				}
				nv, err := rel(newDir, target)
				if err != nil {
					return nil, err
				}
				if hasSub {
					nv += "//" + sub
				}
				vals[i] = nv
			}
			return vals, nil
		},
	}}
	var dependents []string
	for _, p := range env.Dependents(from) {
		d := st.Unit(p)
		dependents = append(dependents, p)
		names := map[string]bool{}
		for _, dep := range d.Dependencies {
			if dep.Path == from {
				names["dependency "+dep.Name] = true
			}
		}
		rewrites = append(rewrites, fileRewrite{oldPath: d.File, newPath: d.File, dir: d.Dir,
			refs: func(refs []PathRef) ([]string, error) {
				vals := make([]string, len(refs))
				for i, ref := range refs {
					vals[i] = ref.Value
					if names[ref.Kind] {
						nv, err := rel(d.Dir, newDir)
						if err != nil {
							return nil, err
						}
						vals[i] = nv
					}
				}
				return vals, nil
			}})
	}

	s := &Surgery{Report: &Report{Root: st.Root.Dir, Operation: "mv-unit", Env: st.Env.Name}}
	s.tx = newTx(env, "mv-unit", o.Command, targets)
	var fileEdits []TextEdit
	s.tx.Build = func(ctx context.Context, cur map[string][]byte) (*Changes, error) {
		ch := &Changes{Moves: []DirMove{{From: relTo(st.Root.Dir, u.Dir), To: relTo(st.Root.Dir, newDir)}}}
		s.Report.States, fileEdits = nil, nil
		old, err := parseStored(from, cur[from])
		if err != nil {
			return nil, err
		}
		if newT != nil {
			if existing, err := parseStored(to, cur[to]); err != nil {
				return nil, err
			} else if existing != nil {
				return nil, fmt.Errorf("cannot move %s to %s: its new state %s holds a state already (serial %d, %d resource instance(s)); nothing was changed",
					from, to, newT.Store.Describe(), existing.Serial, existing.Instances())
			}
			if old != nil {
				next, err := old.Clone()
				if err != nil {
					return nil, err
				}
				ch.States = append(ch.States,
					&StateChange{Unit: to, Before: cur[to], Next: next},
					&StateChange{Unit: from, Before: cur[from], Delete: true})
				s.Report.States = append(s.Report.States, statePlan(newT, nil, next, "create"), statePlan(oldT, summary(old), nil, "delete"))
			}
		}
		for _, rw := range rewrites {
			src, err := readFile(rw.oldPath)
			if err != nil {
				return nil, err
			}
			refs, err := UnitPathRefs(rw.oldPath, src)
			if err != nil {
				return nil, err
			}
			vals, err := rw.refs(refs)
			if err != nil {
				return nil, err
			}
			out, edits, err := ReplaceRefs(rw.oldPath, src, refs, vals)
			if err != nil {
				return nil, err
			}
			if len(edits) == 0 {
				continue
			}
			for i := range edits {
				edits[i].File = relTo(st.Root.Dir, rw.newPath)
			}
			fileEdits = append(fileEdits, edits...)
			ch.Files = append(ch.Files, &FileChange{Path: rw.newPath, Before: src, After: out})
		}
		return ch, nil
	}
	ch, err := s.tx.Preview(ctx)
	if err != nil {
		return nil, err
	}
	s.tx.Shown = ch.Fingerprint()
	s.Report.Moves, s.Report.FileEdits = ch.Moves, fileEdits
	for _, f := range ch.Files {
		s.Report.Files = append(s.Report.Files, relTo(st.Root.Dir, f.Path))
	}
	var touched []string
	if snap, err := oldT.Store.ReadRaw(ctx); err == nil {
		if old, err := parseStored(from, snap.Data); err == nil {
			touched = instanceAddrs(old)
			if old == nil {
				s.Report.Notes = append(s.Report.Notes, fmt.Sprintf("%s has no state (%s): only its folder moves", from, oldT.Store.Describe()))
			}
		}
	}
	if sameKey {
		s.Report.Notes = append(s.Report.Notes, fmt.Sprintf("the state of %s stays where it is (%s): remote_state's key does not depend on the unit's path", from, oldT.Store.Describe()))
	}
	s.Report.Verify = append(s.Report.Verify, Expect{Unit: to, Touched: touched})
	for _, d := range dependents {
		s.Report.Verify = append(s.Report.Verify, Expect{Unit: d})
	}
	s.tx.Verify = s.verifier(env)
	return s, nil
}

// checkUnitPath refuses a unit path that is not a plain relative path of
// folder names.
func checkUnitPath(p string) error {
	if p == "" {
		return errors.New("the new unit path is empty")
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || strings.Contains(p, `\`) {
		return fmt.Errorf("%q is not a unit path: give it relative to the environment folder, such as services/api", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
			return fmt.Errorf("%q is not a unit path: folder names only (no empty, \".\", \"..\" or hidden segments)", p)
		}
	}
	return nil
}
