package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stackctl/stackctl/internal/config"
)

// Names of the files stackctl generates in a working folder.
const (
	BackendFile     = "stackctl_backend.tf.json"
	VarsFile        = "stackctl.auto.tfvars.json"
	fetchRecordFile = "stackctl-source.json"
	initKeyFile     = "stackctl-init.key"
)

// Workdir is one unit's terraform working folder under .stackctl/cache.
type Workdir struct {
	// Dir is where terraform runs.
	Dir string
	// CacheDir holds Dir (under src/) and stackctl's own bookkeeping.
	CacheDir string

	s      *Session
	unit   *config.Unit
	module *moduleInfo
	tf     *tfexec.Terraform
	// backendJSON is the generated backend file's content.
	backendJSON []byte
	out         io.Writer
	versioned   bool
	// lockChanged: the unit folder's lock file was written (LockChanged).
	lockChanged bool
	// lock is the working folder's lock, held until Close.
	lock *os.File
	// inputLines maps a line of the generated tfvars file to the input
	// whose value starts there, to point terraform's errors at the
	// stackctl file that set it.
	inputLines map[int]string
}

// Close releases the working folder for other runs in this checkout.
func (w *Workdir) Close() {
	if w != nil && w.lock != nil {
		w.lock.Close()
		w.lock = nil
	}
}

// Environ is the environment terraform runs with here (for hooks).
func (w *Workdir) Environ() []string { return w.s.Environ() }

// SetOutput sends terraform's output to out from now on.
func (w *Workdir) SetOutput(out io.Writer) {
	w.out = out
	w.tf.SetStdout(out)
	w.tf.SetStderr(out)
}

// VariableSensitive reports whether the module declares variable name
// sensitive = true.
func (w *Workdir) VariableSensitive(name string) bool { return w.module.Sensitive[name] }

// InputAtLine names the input written at (or whose value spans) a line of
// the generated tfvars file; "" when none is.
func (w *Workdir) InputAtLine(line int) string {
	name, best := "", 0
	for l, n := range w.inputLines {
		if l <= line && l > best {
			name, best = n, l
		}
	}
	return name
}

// quietly runs f with terraform's stdout discarded. terraform-exec copies
// stdout of every command to the configured writer, including the JSON of
// `terraform version` (which it runs itself before init, validate and
// show) and of `terraform show`; people want neither in their logs.
func (w *Workdir) quietly(f func() error) error {
	w.tf.SetStdout(io.Discard)
	defer w.tf.SetStdout(w.out)
	return f()
}

// learnVersion lets terraform-exec run its `terraform version` check now,
// quietly, instead of inside the next command, where its JSON would reach
// the unit's output. It runs once per working folder and invocation, and
// only before commands that check the version.
func (w *Workdir) learnVersion(ctx context.Context) error {
	if w.versioned {
		return nil
	}
	w.versioned = true
	return w.quietly(func() error {
		_, _, err := w.tf.Version(ctx, false)
		return err
	})
}

// WaitDelay is how long an interrupted terraform gets to stop by itself
// before it is killed. Terraform finishes in-flight operations and saves
// state after an interrupt; cutting that short loses state, so the limit
// is generous. A second signal to stackctl ends everything at once.
const WaitDelay = 30 * time.Minute

// Prepare builds the unit's working folder: its module (copied when local,
// fetched with `terraform init -from-module` when its source changed
// otherwise), the unit folder's own .tf files, and the generated backend
// file. Terraform output (of a fetch) goes to out.
func (s *Session) Prepare(ctx context.Context, envName string, u *config.Unit, out io.Writer) (*Workdir, error) {
	w := &Workdir{s: s, unit: u, CacheDir: filepath.Join(s.CacheDir, envName, filepath.FromSlash(u.Path))}
	srcRoot := filepath.Join(w.CacheDir, "src")
	// Where terraform runs, below srcRoot: the part after "//", or, for a
	// local module that calls sibling modules (source = "../vpc"), its
	// place within the smallest folder holding it and all it calls, so
	// that no one needs Terragrunt's "//" notation for that.
	sub := filepath.FromSlash(u.Source.Subdir)
	var moduleDirs []string
	if u.Source.Local && !u.Source.None && u.Source.Subdir == "" {
		dirs, err := moduleTree(u.Source.Dir, s.rootDir)
		if err != nil {
			return nil, err
		}
		if len(dirs) > 1 {
			base := commonDir(dirs)
			sub, _ = filepath.Rel(base, u.Source.Dir)
			moduleDirs = dirs
		}
	}
	w.Dir = filepath.Join(srcRoot, sub)
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockFolder(ctx, w.CacheDir, out, s.FolderWait)
	if err != nil {
		return nil, err
	}
	w.lock = lock
	ok := false
	defer func() {
		if !ok {
			w.Close()
		}
	}()
	tf, err := tfexec.NewTerraform(w.Dir, s.Binary.Path)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(s.env); err != nil {
		return nil, err
	}
	tf.SetStdout(out)
	tf.SetStderr(out)
	if err := tf.SetWaitDelay(WaitDelay); err != nil {
		return nil, err
	}
	w.tf = tf
	w.out = out

	overlay, err := overlayFiles(u)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", u.Dir, err)
	}
	backend, err := backendJSON(u.Backend, w.Dir)
	if err != nil {
		return nil, err
	}
	w.backendJSON = backend
	generated := map[string]bool{}
	prefix := ""
	if sub != "" && sub != "." {
		prefix = filepath.ToSlash(sub) + "/"
	}
	for _, name := range []string{BackendFile, VarsFile} {
		generated[prefix+name] = true
	}
	gen := generateFiles(u, prefix)
	for rel := range gen {
		generated[rel] = true
	}

	if u.Source.Local {
		files := map[string]sourceFile{}
		switch {
		case u.Source.None:
			for name, f := range overlay {
				files[name] = f
			}
		case moduleDirs != nil:
			base := commonDir(moduleDirs)
			for _, d := range moduleDirs {
				rel, _ := filepath.Rel(base, d)
				one := map[string]sourceFile{}
				if err := collectTree(d, one); err != nil {
					return nil, fmt.Errorf("copying module %s: %w", d, err)
				}
				for name, f := range one {
					files[filepath.ToSlash(filepath.Join(rel, name))] = f
				}
			}
		default:
			if err := collectTree(u.Source.Dir, files); err != nil {
				return nil, fmt.Errorf("copying module %s: %w", u.Source.Raw, err)
			}
		}
		for name, f := range overlay {
			files[prefix+name] = f
		}
		if err := s.resolveClashes(gen, s.localOwner(u, files), func(rel string) { delete(files, rel) }); err != nil {
			return nil, err
		}
		if _, err := syncTree(srcRoot, files, generated); err != nil {
			return nil, fmt.Errorf("copying module %s into %s: %w", u.Source.Raw, srcRoot, err)
		}
	} else if err := w.fetchGenerating(ctx, srcRoot, prefix, overlay, gen); err != nil {
		return nil, err
	}
	if err := writeGenerated(w.CacheDir, srcRoot, gen); err != nil {
		return nil, err
	}
	if err := writeIfChanged(filepath.Join(w.Dir, BackendFile), backend, 0o600); err != nil {
		return nil, err
	}
	w.module, err = inspectModule(w.Dir)
	if err != nil {
		return nil, fmt.Errorf("reading the configuration of %s: %w", u.Path, err)
	}
	// The unit's committed lock file decides the provider versions; its
	// hash is part of the init key, so a changed one runs init.
	if _, err := w.CopyLockIn(); err != nil {
		return nil, fmt.Errorf("unit %s: %w", u.Path, err)
	}
	ok = true
	return w, nil
}

// backendJSON renders the backend block. Local state paths are written
// relative to the working folder so that moving the repository does not
// change them.
func backendJSON(b config.Backend, dir string) ([]byte, error) {
	settings := map[string]json.RawMessage{}
	for k, v := range b.Config {
		v, _ = v.UnmarkDeep()
		if b.Type == config.BackendLocal && k == "path" {
			rel, err := filepath.Rel(dir, v.AsString())
			if err != nil {
				return nil, err
			}
			v = cty.StringVal(filepath.ToSlash(rel))
		}
		raw, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return nil, fmt.Errorf("remote_state config %s: %w", k, err)
		}
		settings[k] = raw
	}
	doc := map[string]any{"terraform": map[string]any{"backend": map[string]any{b.Type: settings}}}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// WriteInputs writes the tfvars file (mode 0600: inputs may be secret)
// with the inputs the module declares, and returns the names left out.
func (w *Workdir) WriteInputs(inputs map[string]cty.Value) (ignored []string, err error) {
	vals := map[string]json.RawMessage{}
	for name, v := range inputs {
		if !w.module.Variables[name] {
			ignored = append(ignored, name)
			continue
		}
		v, _ = v.UnmarkDeep()
		if !v.IsWhollyKnown() {
			return nil, fmt.Errorf("input %s is not known yet", name)
		}
		raw, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", name, err)
		}
		vals[name] = raw
	}
	sort.Strings(ignored)
	data, err := json.MarshalIndent(vals, "", "  ")
	if err != nil {
		return nil, err
	}
	w.inputLines = map[int]string{}
	for i, line := range strings.Split(string(data), "\n") {
		// Top-level keys are indented by exactly two spaces.
		if strings.HasPrefix(line, `  "`) {
			var key string
			if k, _, ok := strings.Cut(line[2:], `":`); ok && json.Unmarshal([]byte(k+`"`), &key) == nil {
				w.inputLines[i+1] = key
			}
		}
	}
	return ignored, writeIfChanged(filepath.Join(w.Dir, VarsFile), append(data, '\n'), 0o600)
}
