package config

import (
	"path"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
)

// BackendAt evaluates the state backend a unit would have at another unit
// path of the same environment, before the unit is moved there (mv-unit
// locks the new state first): remote_state with unit.path and unit.name
// of the new path, and the root locals evaluated for it.
func (s *Stack) BackendAt(unitPath string) (Backend, hcl.Diagnostics) {
	u := &Unit{Path: unitPath, Name: path.Base(unitPath), Dir: filepath.Join(s.Env.Dir, filepath.FromSlash(unitPath))}
	u.File = filepath.Join(u.Dir, "unit.hcl")
	u.common = s.common
	rootCtx := s.loader.fileContext(s.Root.Dir, true)
	rootCtx.Variables = u.newVars()
	var diags hcl.Diagnostics
	u.rootLocals, diags = evalLocals(s.Root.locals, rootCtx, scopeUnitStatic)
	if diags.HasErrors() {
		return Backend{}, diags
	}
	rootCtx.Variables["local"] = u.rootLocals
	diags = append(diags, s.loader.unitBackend(s, u, rootCtx)...)
	return u.Backend, diags
}
