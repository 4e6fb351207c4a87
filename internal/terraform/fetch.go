package terraform

// A unit's module copied into its working folder, with the unit's own
// files laid over it, again only when a source changed.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
)

// overlayFiles are the unit folder's own configuration files, added to the
// module (and winning over a module file of the same name). A unit without
// a source is made only of these.
func overlayFiles(u *config.Unit) (map[string]sourceFile, error) {
	entries, err := os.ReadDir(u.Dir)
	if err != nil {
		return nil, err
	}
	out := map[string]sourceFile{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || name == "unit.hcl" || skipFile(name) {
			continue
		}
		isConfig := strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
		if !isConfig && !u.Source.None {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		out[name] = sourceFile{src: filepath.Join(u.Dir, name), info: info}
	}
	return out, nil
}

type fetchRecord struct {
	Source  string   `json:"source"`
	Overlay []string `json:"overlay"`
}

// fetch downloads a remote module when its source (or the set of overlay
// files laid over it) changed since the last fetch, then lays the unit's
// own files over it. generated names the generate blocks' files: when one
// goes away the module is fetched again, since it may have overwritten a
// module file. fresh reports a new fetch.
func (w *Workdir) fetch(ctx context.Context, srcRoot string, overlay map[string]sourceFile, generated []string) (fresh bool, err error) {
	names := make([]string, 0, len(overlay)+len(generated))
	for n := range overlay {
		names = append(names, n)
	}
	for _, g := range generated {
		names = append(names, "generate:"+g)
	}
	sort.Strings(names)
	recPath := filepath.Join(w.CacheDir, fetchRecordFile)
	var rec fetchRecord
	if data, err := os.ReadFile(recPath); err == nil {
		_ = json.Unmarshal(data, &rec)
	}
	if rec.Source != w.unit.Source.Raw || !subset(rec.Overlay, names) {
		fresh = true
		if err := os.RemoveAll(srcRoot); err != nil {
			return fresh, err
		}
		if err := os.MkdirAll(w.Dir, 0o755); err != nil {
			return fresh, err
		}
		// init -from-module also installs the module's providers into the
		// shared plugin cache, so it waits its turn like any other init.
		w.s.initMu.Lock()
		err := w.runStep(ctx, []string{"init", "-no-color", "-input=false", "-from-module=" + w.unit.Source.Raw, "-backend=false", "-get=true", "-upgrade=false"}, w.out)
		w.s.initMu.Unlock()
		if err != nil {
			return fresh, fmt.Errorf("fetching module %s: %w", w.unit.Source.Raw, err)
		}
		// The fetch's own init is only a download: the real init runs with
		// the backend and stackctl's files in place.
		_ = os.Remove(filepath.Join(w.Dir, ".terraform", initKeyFile))
	}
	for name, f := range overlay {
		target := filepath.Join(w.Dir, name)
		if info, err := os.Stat(target); err == nil && info.Size() == f.info.Size() && info.ModTime().Equal(f.info.ModTime()) {
			continue
		}
		if err := copyFile(f.src, target, f.info); err != nil {
			return fresh, err
		}
	}
	data, _ := json.Marshal(fetchRecord{Source: w.unit.Source.Raw, Overlay: names})
	return fresh, writeIfChanged(recPath, data, 0o644)
}

// subset reports whether every overlay file of the last fetch is still
// there: when one went away, the module's original must come back.
func subset(have, want []string) bool {
	set := make(map[string]bool, len(want))
	for _, x := range want {
		set[x] = true
	}
	for _, h := range have {
		if !set[h] {
			return false
		}
	}
	return true
}
