package terraform

import (
	"os"
	"path/filepath"
	"runtime"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// lockInit takes the session's init lock for this working folder and
// returns its release. Installing into the shared plugin cache is not
// safe concurrently (terraform documents this), so an init that may
// install takes the lock alone. One that cannot — a module without
// providers, or one whose lock file pins only providers the cache
// already holds for this platform (init then links them, reading only) —
// shares it, so cold inits of such units run side by side.
func (w *Workdir) lockInit() (unlock func()) {
	if w.readOnlyInit() {
		w.s.initMu.RLock()
		return w.s.initMu.RUnlock
	}
	w.s.initMu.Lock()
	if w.readOnlyInit() {
		// Another init installed what this one needs while it waited:
		// the cache only grows, so reading it no longer needs the lock
		// to itself.
		w.s.initMu.Unlock()
		w.s.initMu.RLock()
		return w.s.initMu.RUnlock
	}
	return w.s.initMu.Unlock
}

func (w *Workdir) readOnlyInit() bool {
	if w.module == nil || w.s.pluginCacheDir == "" {
		return false
	}
	if !w.module.NeedsProviders {
		return true
	}
	return lockedProvidersCached(filepath.Join(w.Dir, LockFile), w.s.pluginCacheDir, runtime.GOOS+"_"+runtime.GOARCH)
}

var lockFileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "provider", LabelNames: []string{"source"}}}}
var lockedProviderSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "version", Required: true}}}

// lockedProvidersCached reports whether the lock file exists and every
// provider it pins is unpacked in the plugin cache
// (<cache>/<host>/<namespace>/<type>/<version>/<os_arch>).
func lockedProvidersCached(lockFile, cache, platform string) bool {
	src, err := os.ReadFile(lockFile)
	if err != nil {
		return false
	}
	f, diags := hclparse.NewParser().ParseHCL(src, lockFile)
	if diags.HasErrors() {
		return false
	}
	content, _, diags := f.Body.PartialContent(lockFileSchema)
	if diags.HasErrors() || len(content.Blocks) == 0 {
		return false
	}
	for _, b := range content.Blocks {
		c, _, diags := b.Body.PartialContent(lockedProviderSchema)
		if diags.HasErrors() {
			return false
		}
		v, diags := c.Attributes["version"].Expr.Value(nil)
		if diags.HasErrors() || v.Type() != cty.String || !v.IsKnown() || v.IsNull() {
			return false
		}
		dir := filepath.Join(cache, filepath.FromSlash(b.Labels[0]), v.AsString(), platform)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}
