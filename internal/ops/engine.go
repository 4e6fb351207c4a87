// Package ops is what stackctl does, below the command line: it loads an
// environment (discover → evaluate → graph), and runs operations across a
// selection of its units. An operation (operation.go) says what it needs of
// dependencies, in which order units run, whether it writes state and
// which terraform steps each unit takes; Run schedules it with the runner
// and returns a result value that views print. Commands are thin: they
// fill options, call one function here and choose a view.
package ops

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/terraform"
	"github.com/stackctl/stackctl/internal/verify"
)

// StateOpener opens a unit's state backend.
type StateOpener interface {
	Open(ctx context.Context, b config.Backend) (state.Backend, error)
}

// Options say which environment to load and how stackctl reaches the
// outside world; they are filled from flags and the process environment.
type Options struct {
	// Dir is the working directory; the repository root is searched upward
	// from it unless RootDir is set.
	Dir, RootDir string
	Env          string
	// Units are --unit patterns (globs); none selects every unit.
	Units []string
	// Command is the command being run ("plan", "apply", …): exclude
	// blocks may apply to some commands only.
	Command string
	Getenv  func(string) (string, bool)
	Environ []string
	SSM     config.SSMGetter
	// LockTimeout is passed to terraform (-lock-timeout) when set.
	LockTimeout string
	PassThrough *terraform.PassThrough
	// Offline forbids downloading terraform.
	Offline bool
	// AWS are the invocation's base AWS credentials: set when the
	// environment assumes a role, shared by every AWS client.
	AWS *awsconf.Shared
	// Context bounds what loading does over the network (assuming the
	// environment's role); nil means none.
	Context context.Context
	// StallTimeout stops a unit that shows no progress (no output, no new
	// step) for this long; 0 never does.
	StallTimeout time.Duration
	// Verify, when set, runs each unit's verify checks right after it
	// applies (apply --verify; see AfterApply).
	Verify *verify.Verifier
}

// Engine is one loaded environment and what every unit's work in this
// invocation shares: state reads, the terraform session, declared
// variables of modules.
type Engine struct {
	Loader   *config.Loader
	Stack    *config.Stack
	Graph    *graph.Graph
	Selected map[string]bool
	States   StateOpener
	// Warnings are configuration warnings found while loading.
	Warnings hcl.Diagnostics
	// Excluded are the units an exclude block left out of the selection.
	Excluded []Excluded

	opts Options

	sessionOnce sync.Once
	session     *terraform.Session
	sessionErr  error

	// early prepares working folders ahead of units' turns in a run.
	early *early

	// roles are the invocation's AWS credentials by environment; aws this
	// environment's.
	roles       *roles
	aws         *awsconf.Shared
	accountOnce sync.Once
	accountErr  error

	mu       sync.Mutex
	reads    map[string]*stateRead // unit path → its state, read once
	declared sync.Map              // module folder → its variables, for Render
}

// DiagError is a configuration error: the diagnostics, kept with their
// ranges so the command line prints them with snippets.
type DiagError struct{ Diags hcl.Diagnostics }

func (d *DiagError) Error() string {
	var parts []string
	for _, x := range d.Diags {
		if x.Severity != hcl.DiagError {
			continue
		}
		s := x.Summary
		if x.Subject != nil {
			s = diag.At(*x.Subject) + ": " + s
		}
		if x.Detail != "" {
			s += ": " + x.Detail
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// Load reads and evaluates one environment, builds its graph and selects
// units. Configuration errors come back as *DiagError.
func Load(o Options) (*Engine, error) {
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	r := &roles{ctx: ctx, byEnv: map[string]*awsconf.Shared{}, first: o.AWS}
	loader := config.NewLoader(config.Options{Dir: o.Dir, RootDir: o.RootDir, Getenv: o.Getenv, SSM: o.SSM, EnvReady: r.envReady})
	return load(loader, r, o)
}

func load(loader *config.Loader, r *roles, o Options) (*Engine, error) {
	e := &Engine{Loader: loader, opts: o, roles: r}
	st, diags := loader.Load(o.Env)
	if diags.HasErrors() {
		return e, &DiagError{Diags: diags}
	}
	e.Warnings = diags
	g, diags := graph.FromStack(st)
	if diags.HasErrors() {
		return e, &DiagError{Diags: diags}
	}
	sel, err := g.Select(o.Units)
	if err != nil {
		return e, err
	}
	e.Stack, e.Graph, e.Selected = st, g, sel
	e.exclude(o)
	e.aws = r.of(st.Env.Name)
	e.States = backend.NewOpener(st.Env.Name, backend.WithBackupDir(backend.BackupDir(st.Root.Dir)), backend.WithBase(e.aws))
	return e, nil
}

// Env is the environment's name.
func (e *Engine) Env() string { return e.Stack.Env.Name }

// Ordered returns the selected units in dependency order.
func (e *Engine) Ordered() []string { return e.Graph.OrderOf(e.Selected) }

// Unit returns the unit with the given path.
func (e *Engine) Unit(path string) *config.Unit { return e.Stack.Unit(path) }

// Touched returns the selected units and the dependencies they read.
func (e *Engine) Touched(selected map[string]bool) []*config.Unit {
	seen := map[string]bool{}
	var out []*config.Unit
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, e.Stack.Unit(p))
		}
	}
	for _, p := range e.Graph.OrderOf(selected) {
		add(p)
		for _, d := range e.Graph.Dependencies(p) {
			add(d)
		}
	}
	return out
}

// Terraform returns the invocation's terraform session, finding terraform
// and writing the CLI configuration the first time: commands that never
// run terraform never look for it.
func (e *Engine) Terraform(ctx context.Context) (*terraform.Session, error) {
	e.sessionOnce.Do(func() {
		root := e.Stack.Root
		environ := e.opts.Environ
		creds, err := e.roleEnv(ctx)
		if err != nil {
			e.sessionErr = err
			return
		}
		if creds != nil {
			// The role's credentials win over whatever profile the shell
			// had: terraform must act as the environment's role.
			environ = append(withoutEnv(environ, "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"), creds...)
		}
		e.session, e.sessionErr = terraform.NewSession(ctx, terraform.SessionOptions{
			RootDir: root.Dir, Constraint: root.TerraformVersion, Mirror: root.ProviderMirror,
			PluginCacheDir: root.PluginCacheDir, Offline: e.opts.Offline, Environ: environ, Program: root.TerraformBinary,
		})
		if e.sessionErr == nil && e.opts.LockTimeout != "" {
			if d, err := time.ParseDuration(e.opts.LockTimeout); err == nil {
				e.session.FolderWait = d
			}
		}
	})
	return e.session, e.sessionErr
}

// IsConfigError reports whether err is a configuration error, which the
// command line prints with snippets.
func IsConfigError(err error) (*DiagError, bool) {
	var d *DiagError
	ok := errors.As(err, &d)
	return d, ok
}

// Excluded is a unit an exclude block left out of a run.
type Excluded struct {
	Unit   string
	Reason string
	At     string // file:line of the exclude block
}

// exclude leaves out of the selection the units whose exclude block
// applies to this command, unless --unit names them (exactly, not by a
// glob): naming a unit is asking for it.
func (e *Engine) exclude(o Options) {
	if o.Command == "" {
		// Not a run (list, graph, render): every unit is shown.
		return
	}
	named := map[string]bool{}
	for _, p := range o.Units {
		named[strings.Trim(p, "/")] = true
	}
	for _, u := range e.Stack.Units {
		x := u.Exclude
		if x == nil || !x.If || !e.Selected[u.Path] || named[u.Path] {
			continue
		}
		if len(x.Actions) > 0 && !slices.Contains(x.Actions, o.Command) {
			continue
		}
		delete(e.Selected, u.Path)
		e.Excluded = append(e.Excluded, Excluded{Unit: u.Path, Reason: x.Reason, At: diag.At(x.Range)})
	}
}

// withoutEnv drops the named variables from an environment list.
func withoutEnv(environ []string, names ...string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, k) {
			out = append(out, kv)
		}
	}
	return out
}
