package config

import (
	"path/filepath"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

// The file functions of a shared folder (stackctl.hcl's, env.hcl's, a
// folder of included definitions) are built once for every unit; a
// unit's own folder serves that unit only, so its table is not kept for
// the whole command. Inputs and verify blocks are evaluated in both.
func TestOnlySharedFoldersKeepTheirFileFunctions(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":            `project = "shop"`,
		"infra/modules/m/main.tf": `variable "x" {}`,
		"infra/live/dev/env.hcl":  ``,
		"infra/units/shared.hcl": `source = "../modules/m"
inputs = { here = abspath(".") }
verify "shared" {
  assert {
    condition = true
    message   = "m"
  }
}
`,
		"infra/live/dev/a/unit.hcl": `include "shared" { path = "../../../units/shared.hcl" }
locals { ok = true }
inputs = { mine = abspath(".") }
verify "own" {
  assert {
    condition = local.ok
    message   = "m"
  }
}
`,
		"infra/live/dev/b/unit.hcl": `include "shared" { path = "../../../units/shared.hcl" }`,
	})
	l := NewLoader(Options{Dir: dir})
	st, diags := l.Load("dev")
	if diags.HasErrors() {
		t.Fatal(located(diags))
	}
	for _, name := range []string{"a", "b"} {
		u := st.Unit(name)
		if _, diags := st.Inputs(u, nil); diags.HasErrors() {
			t.Fatal(located(diags))
		}
		if _, diags := st.EvalVerify(u, nil, nil); diags.HasErrors() {
			t.Fatal(located(diags))
		}
	}
	cached := map[string]bool{}
	l.fileFns.Range(func(k, _ any) bool { cached[k.(string)] = true; return true })
	if !cached[filepath.Join(dir, "infra", "units")] {
		t.Errorf("the included files' folder has no shared functions: %v", cached)
	}
	for _, name := range []string{"a", "b"} {
		if cached[filepath.Join(dir, "infra", "live", "dev", name)] {
			t.Errorf("unit %s's own folder keeps its file functions: %v", name, cached)
		}
	}
}

// A local source that starts with // names this file's own folder, with
// the subfolder after it, as go-getter splits it.
func TestSourceWithEmptyPackage(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":                 `project = "shop"`,
		"infra/live/dev/env.hcl":       ``,
		"infra/live/dev/a/unit.hcl":    `source = "//mod"`,
		"infra/live/dev/a/mod/main.tf": `variable "x" {}`,
	})
	st, diags := NewLoader(Options{Dir: dir}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(located(diags))
	}
	src := st.Unit("a").Source
	if want := filepath.Join(dir, "infra", "live", "dev", "a"); src.Dir != want || src.Subdir != "mod" || !src.Local {
		t.Errorf("source %+v, want the folder %s and the subfolder mod", src, want)
	}
}
