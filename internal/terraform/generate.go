package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
)

// generatedRecordFile lists, in the unit's cache folder, the files generate
// blocks wrote last time: for a fetched (remote) module it tells a file
// stackctl generated from one the module brought.
const generatedRecordFile = "stackctl-generated.json"

// generateFiles maps the unit's generate blocks by path relative to the
// working copy's root (srcRoot): prefix is where terraform runs within it.
func generateFiles(u *config.Unit, prefix string) map[string]*config.Generate {
	out := make(map[string]*config.Generate, len(u.Generate))
	for i := range u.Generate {
		out[prefix+u.Generate[i].Path] = &u.Generate[i]
	}
	return out
}

// resolveClashes applies if_exists where a user's file (of the module or the
// unit folder) is already at a generated file's path. owner says whose file
// is at rel, "" when none; drop is called for a user file the generated
// file replaces. Skipped generated files leave gen.
func (s *Session) resolveClashes(gen map[string]*config.Generate, owner func(rel string) string, drop func(rel string)) error {
	var errs []string
	for _, rel := range sortedKeys(gen) {
		g := gen[rel]
		user := owner(rel)
		if user == "" {
			continue
		}
		switch g.IfExists {
		case config.IfExistsOverwrite:
			drop(rel)
		case config.IfExistsSkip:
			delete(gen, rel)
		default:
			why := ""
			if g.IfExists == config.IfExistsOverwriteGenerated {
				why = fmt.Sprintf(" (if_exists = %q overwrites only files stackctl generated)", g.IfExists)
			}
			errs = append(errs, fmt.Sprintf("generate %q (%s) writes %s, and %s already has it%s. Remove one of them, or set if_exists = \"overwrite\" to use the generated file or \"skip\" to keep yours.",
				g.Name, diag.At(g.Range), g.Path, user, why))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// userFile names a user's file for messages, relative to the repository.
func (s *Session) userFile(kind, path string) string {
	if rel, err := filepath.Rel(s.rootDir, path); err == nil && !strings.HasPrefix(rel, "..") {
		path = rel
	}
	return kind + " " + path
}

// localOwner says whose file a local working copy would hold at rel.
func (s *Session) localOwner(u *config.Unit, files map[string]sourceFile) func(string) string {
	return func(rel string) string {
		f, ok := files[rel]
		switch {
		case !ok:
			return ""
		case filepath.Dir(f.src) == u.Dir:
			return s.userFile("the unit folder's", f.src)
		default:
			return s.userFile("the module's", f.src)
		}
	}
}

// fetchGenerating fetches a remote module (see fetch) with the unit
// folder's files, after applying if_exists against both: a unit file the
// generated one replaces is not laid over the module, and what the module
// itself has at a generated path is found after the fetch.
func (w *Workdir) fetchGenerating(ctx context.Context, srcRoot, prefix string, overlay map[string]sourceFile, gen map[string]*config.Generate) error {
	s := w.s
	overlayOwner := func(rel string) string {
		if f, ok := overlay[strings.TrimPrefix(rel, prefix)]; ok && strings.HasPrefix(rel, prefix) {
			return s.userFile("the unit folder's", f.src)
		}
		return ""
	}
	if err := s.resolveClashes(gen, overlayOwner, func(rel string) { delete(overlay, strings.TrimPrefix(rel, prefix)) }); err != nil {
		return err
	}
	fresh, err := w.fetch(ctx, srcRoot, overlay, sortedKeys(gen))
	if err != nil {
		return err
	}
	// What is at a generated path now and was not generated last time (or
	// the module was fetched again) is the module's own file.
	prev := map[string]bool{}
	if !fresh {
		prev = lastGenerated(w.CacheDir)
	}
	moduleOwner := func(rel string) string {
		if _, err := os.Stat(filepath.Join(srcRoot, filepath.FromSlash(rel))); err == nil && !prev[rel] {
			return fmt.Sprintf("the module (%s)", w.unit.Source.Raw)
		}
		return ""
	}
	return s.resolveClashes(gen, moduleOwner, func(string) {})
}

// writeGenerated writes the generated files and records which they are.
func writeGenerated(cacheDir, srcRoot string, gen map[string]*config.Generate) error {
	for rel, g := range gen {
		target := filepath.Join(srcRoot, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := writeIfChanged(target, []byte(g.Contents), 0o644); err != nil {
			return fmt.Errorf("generate %q: %w", g.Name, err)
		}
	}
	data, _ := json.Marshal(sortedKeys(gen))
	return writeIfChanged(filepath.Join(cacheDir, generatedRecordFile), data, 0o644)
}

// lastGenerated reads what writeGenerated recorded last time.
func lastGenerated(cacheDir string) map[string]bool {
	var names []string
	if data, err := os.ReadFile(filepath.Join(cacheDir, generatedRecordFile)); err == nil {
		_ = json.Unmarshal(data, &names)
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
