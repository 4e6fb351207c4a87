package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/stackctl/stackctl/internal/discover"
)

// Options say which tree to read and how to reach the outside world.
type Options struct {
	// Dir is the working directory (absolute); the repository root is
	// searched upward from it unless RootDir is set.
	Dir     string
	RootDir string
	// Getenv backs get_env; nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// SSM backs ssm_parameter; nil makes the function an error.
	SSM SSMGetter
	// EnvReady is called once env.hcl's locals, assume_role and
	// allowed_account_ids are read, before its vars: the environment's
	// role is assumed there, so that what follows is read as it.
	EnvReady func(*Env) error
}

// Loader evaluates one invocation's configuration. It owns the parsed files
// so that callers can print diagnostics with source snippets.
type Loader struct {
	opts    Options
	files   *files
	base    *hcl.EvalContext
	root    *Root
	fileFns sync.Map // folder → map[string]function.Function
	rootDir string   // set by Root before anything is evaluated
	dirs    sync.Map // path → bool, for isDir
}

// NewLoader prepares a loader; nothing is read until Root or Load.
func NewLoader(opts Options) *Loader {
	if opts.Getenv == nil {
		opts.Getenv = os.LookupEnv
	}
	l := &Loader{opts: opts, files: newFiles(opts.Dir)}
	l.base = &hcl.EvalContext{Functions: baseFunctions(opts.Getenv, makeSSMFunc(opts.SSM))}
	l.base.Functions["get_repo_root"] = makeRepoRootFunc(func() string { return l.rootDir })
	return l
}

// Files returns the parsed files for diagnostic printing.
func (l *Loader) Files() map[string]*hcl.File { return l.files.Files() }

// Display returns the path of a file as shown in messages.
func (l *Loader) Display(abs string) string { return l.files.display(abs) }

// Stack is one environment, evaluated up to (not including) unit inputs.
type Stack struct {
	Root  *Root
	Env   *Env
	Units []*Unit // sorted by path

	byPath map[string]*Unit
	loader *Loader
	common *stackVars
	// rootLocalsPerUnit is set when a root local uses unit; otherwise the
	// root locals are evaluated once (see rootLocals).
	rootLocalsPerUnit bool
	sharedRootLocals  struct {
		once  sync.Once
		value cty.Value
		diags hcl.Diagnostics
	}
	interned sync.Map // see intern
}

// Unit returns the unit with the given path, or nil.
func (s *Stack) Unit(path string) *Unit { return s.byPath[path] }

// UnitPaths lists every unit path, sorted.
func (s *Stack) UnitPaths() []string {
	out := make([]string, len(s.Units))
	for i, u := range s.Units {
		out[i] = u.Path
	}
	return out
}

// Display returns the path of a file as shown in messages.
func (s *Stack) Display(abs string) string { return s.loader.Display(abs) }

// Environments lists the environments of the repository, reading only the
// live folder's listing.
func (l *Loader) Environments() ([]string, hcl.Diagnostics) {
	root, diags := l.Root()
	if diags.HasErrors() {
		return nil, diags
	}
	envs, err := discover.Environments(root.LiveDir)
	if err != nil {
		return nil, hcl.Diagnostics{errorf("Cannot read the live folder", "%s: %v", l.Display(root.LiveDir), err)}
	}
	return envs, nil
}

// Load reads and evaluates one environment.
func (l *Loader) Load(envName string) (*Stack, hcl.Diagnostics) {
	root, diags := l.Root()
	if diags.HasErrors() {
		return nil, diags
	}
	if envName == "" {
		envs, _ := discover.Environments(root.LiveDir)
		return nil, hcl.Diagnostics{errorf("No environment given",
			"Name one as the first argument or in STACKCTL_ENV. Environments in %s: %s.", l.Display(root.LiveDir), listOrNone(envs))}
	}
	if strings.ContainsAny(envName, `/\`) || strings.HasPrefix(envName, ".") {
		envs, _ := discover.Environments(root.LiveDir)
		return nil, hcl.Diagnostics{errorf("Invalid environment name", "%q is not a folder name under %s. Environments there: %s.", envName, l.Display(root.LiveDir), listOrNone(envs))}
	}
	envDir := filepath.Join(root.LiveDir, envName)
	if _, err := os.Stat(filepath.Join(envDir, discover.EnvFile)); err != nil {
		envs, _ := discover.Environments(root.LiveDir)
		return nil, hcl.Diagnostics{errorf(fmt.Sprintf("Unknown environment %q", envName),
			"There is no %s. Environments in %s: %s.", l.Display(filepath.Join(envDir, discover.EnvFile)), l.Display(root.LiveDir), listOrNone(envs))}
	}
	env, diags := l.loadEnv(root, envName, envDir)
	l.explain(diags, nil)
	if diags.HasErrors() {
		return nil, diags
	}
	paths, err := discover.Units(envDir)
	if probs, ok := errors.AsType[*discover.Problems](err); ok {
		// A unit that cannot be read is an error, never a unit left out.
		for _, p := range probs.List {
			diags = append(diags, errorf("Unit cannot be read", "%s %s", l.Display(p.Path), p.Detail))
		}
		return nil, diags
	}
	if err != nil {
		return nil, hcl.Diagnostics{errorf("Cannot read the environment folder", "%s: %v", l.Display(envDir), err)}
	}
	st := &Stack{Root: root, Env: env, byPath: make(map[string]*Unit, len(paths)), loader: l,
		common:            &stackVars{project: cty.StringVal(root.Project), env: env.value},
		rootLocalsPerUnit: usesVariable(root.locals, "unit")}
	for _, p := range paths {
		u := &Unit{Path: p, Name: p[strings.LastIndex(p, "/")+1:], Dir: filepath.Join(envDir, filepath.FromSlash(p))}
		u.File = filepath.Join(u.Dir, discover.UnitFile)
		st.Units = append(st.Units, u)
		st.byPath[p] = u
	}
	// Units are independent until their inputs are evaluated: parse and
	// evaluate them in parallel, keeping diagnostics in unit order.
	unitDiags := make([]hcl.Diagnostics, len(st.Units))
	parallel(len(st.Units), func(i int) { unitDiags[i] = l.loadUnit(st, st.Units[i]) })
	diags = appendUnique(diags, unitDiags)
	l.explain(diags, env)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, checkBackendKeys(st)...)
	if diags.HasErrors() {
		return nil, diags
	}
	return st, diags
}

// fileContext returns an evaluation context whose functions resolve paths
// relative to dir. The stateless functions live in the shared parent. The
// file functions of a shared folder (the root, the environment, a folder
// of included definitions) are built once; a unit's own folder serves one
// unit, and caching its table would keep about 2 KB per unit for the
// whole command.
func (l *Loader) fileContext(dir string, shared bool) *hcl.EvalContext {
	ctx := l.base.NewChild()
	if !shared {
		ctx.Functions = fileFunctions(dir, l.base.Functions)
		return ctx
	}
	fns, ok := l.fileFns.Load(dir)
	if !ok {
		fns, _ = l.fileFns.LoadOrStore(dir, fileFunctions(dir, l.base.Functions))
	}
	ctx.Functions = fns.(map[string]function.Function)
	return ctx
}

// parallel runs f(0..n-1) on as many goroutines as there are CPUs.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
