package ops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/vcs"
)

// SelectChanged narrows the selection to the units affected by what
// changed since o.Ref (vcs: the files changed since REF's merge base,
// mapped to units and their dependents). --unit patterns narrow it
// further: a unit runs when it is affected and matches them. Deleted units
// are kept in the selection's Deleted, filtered by the same patterns; the
// Changes are for reading them at the merge base (OpenAt).
func (e *Engine) SelectChanged(ctx context.Context, o vcs.Options) (*vcs.Selection, *vcs.Changes, error) {
	if o.Dir == "" {
		o.Dir = e.Stack.Root.Dir
	}
	if o.Environ == nil {
		o.Environ = e.opts.Environ
	}
	ch, err := vcs.Diff(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	// A change to a shared definition a unit includes selects the unit.
	extra := map[string][]string{}
	for _, u := range e.Stack.Units {
		for _, inc := range u.Includes {
			extra[u.Path] = append(extra[u.Path], inc.File)
		}
	}
	sel, err := vcs.Affected(ch, vcs.Scope{Stack: e.Stack, Graph: e.Graph, ExtraFiles: extra})
	if err != nil {
		return nil, nil, err
	}
	narrowed := map[string]bool{}
	units := sel.Units[:0]
	for _, su := range sel.Units {
		if e.Selected[su.Path] {
			narrowed[su.Path] = true
			units = append(units, su)
		}
	}
	sel.Units = units
	deleted := sel.Deleted[:0]
	for _, d := range sel.Deleted {
		if e.MatchesUnits(d.Path) {
			deleted = append(deleted, d)
		}
	}
	sel.Deleted = deleted
	e.Selected = narrowed
	return sel, ch, nil
}

// MatchesUnits reports whether a unit path (which may not exist in this
// environment) matches the --unit patterns; every path does when there
// are none.
func (e *Engine) MatchesUnits(p string) bool {
	if len(e.opts.Units) == 0 {
		return true
	}
	for _, pat := range e.opts.Units {
		if graph.Match(strings.Trim(filepath.ToSlash(filepath.Clean(pat)), "/"), p) {
			return true
		}
	}
	return false
}

// OpenAt loads the environment as it was at the Changes' merge base, from
// a checkout of that commit under .stackctl/checkouts, selecting exactly
// units (units that exist only there: deleted since). The returned engine
// shares this one's terraform session and reads the same states: local
// state paths under the checkout are mapped back to this repository's,
// where that state lives. close removes the checkout.
func (e *Engine) OpenAt(ctx context.Context, ch *vcs.Changes, units []string) (*Engine, func(), error) {
	base := filepath.Join(e.Stack.Root.Dir, ".stackctl", "checkouts")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp(base, shortCommit(ch.MergeBase)+"-")
	if err != nil {
		return nil, nil, err
	}
	if err := ch.Checkout(ctx, dir); err != nil {
		os.Remove(dir)
		return nil, nil, err
	}
	closeFn := func() {
		_ = ch.RemoveCheckout(context.Background(), dir)
		_ = os.RemoveAll(dir)
	}
	rel, err := filepath.Rel(ch.TopLevel, realPath(e.Stack.Root.Dir))
	if err != nil || strings.HasPrefix(rel, "..") {
		closeFn()
		return nil, nil, fmt.Errorf("stackctl's root %s is not inside the git repository %s", e.Stack.Root.Dir, ch.TopLevel)
	}
	root := filepath.Join(dir, rel)
	o := e.opts
	o.Dir, o.RootDir, o.Units = root, root, nil
	de, err := Load(o)
	if err != nil {
		closeFn()
		if d, ok := IsConfigError(err); ok {
			return nil, nil, fmt.Errorf("the configuration at %s (the merge base of %s) does not load: %w", shortCommit(ch.MergeBase), ch.Ref, d)
		}
		return nil, nil, err
	}
	de.Selected = map[string]bool{}
	for _, p := range units {
		if de.Stack.Unit(p) == nil {
			closeFn()
			return nil, nil, fmt.Errorf("unit %s is not in %s at %s", p, e.Env(), shortCommit(ch.MergeBase))
		}
		de.Selected[p] = true
	}
	for _, u := range de.Stack.Units {
		mapLocalState(u, root, e.Stack.Root.Dir)
	}
	de.sessionOnce.Do(func() { de.session, de.sessionErr = e.Terraform(ctx) })
	return de, closeFn, nil
}

// mapLocalState points a local state path under the checkout's root at the
// same place under the repository's root: state is never committed, so the
// checkout has none of its own.
func mapLocalState(u *config.Unit, from, to string) {
	if u.Backend.Type != config.BackendLocal {
		return
	}
	v, ok := u.Backend.Config["path"]
	if !ok || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return
	}
	p, marks := v.Unmark()
	if rel, err := filepath.Rel(from, p.AsString()); err == nil && !strings.HasPrefix(rel, "..") {
		u.Backend.Config["path"] = cty.StringVal(filepath.Join(to, rel)).WithMarks(marks)
	}
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// realPath resolves symbolic links as far as the path exists, as git does
// for its top level.
func realPath(p string) string {
	p = filepath.Clean(p)
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}
