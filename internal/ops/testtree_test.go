package ops

import (
	"context"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/runner"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/testutil"
)

// The trees below run the real terraform on modules that use only the
// built-in terraform_data resource, with local state: no provider is
// downloaded and nothing leaves the machine.

// stepModule is one resource whose input is the unit's name and its
// upstream's value; "value" is what a dependent reads, "token" a secret.
const stepModule = `variable "name" {
  type = string
}
variable "upstream" {
  type    = string
  default = ""
}
variable "token" {
  type      = string
  default   = ""
  sensitive = true
}
resource "terraform_data" "this" {
  input = { name = var.name, upstream = var.upstream }
}
output "value" {
  value = "${var.name}(${var.upstream})"
}
output "token" {
  value     = "tok-${var.name}-9f3a"
  sensitive = true
}
`

// chainFiles: net ← app ← web. app may be planned on net's mock_outputs;
// web has no mock_outputs, so it needs app's state.
func chainFiles() map[string]string {
	return map[string]string{
		"stackctl.hcl":          "project = \"ops\"\nlive_dir = \"live\"\n",
		"modules/step/main.tf":  stepModule,
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/net/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"net\" }\n",
		"live/dev/app/unit.hcl": `source = "../../../modules/step"
dependency "net" {
  path         = "../net"
  mock_outputs = { value = "mock", token = "mock-token" }
}
inputs = { name = "app", upstream = dependency.net.outputs.value, token = dependency.net.outputs.token }
`,
		"live/dev/web/unit.hcl": `source = "../../../modules/step"
dependency "app" {
  path = "../app"
}
inputs = { name = "web", upstream = dependency.app.outputs.value }
`,
	}
}

// tree is a stackctl repository in a temporary folder.
type tree struct {
	t    *testing.T
	dir  string
	home string
}

// newTree writes files; a file mapped to "" is left out.
func newTree(t *testing.T, files map[string]string) *tree {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("these tests run terraform: install terraform 1.11 on PATH")
	}
	kept := maps.Clone(files)
	maps.DeleteFunc(kept, func(_, v string) bool { return v == "" })
	return &tree{t: t, dir: testutil.WriteTree(t, kept), home: t.TempDir()}
}

func (tr *tree) options(command string) Options {
	return Options{
		Dir: tr.dir, Env: "dev", Command: command, Offline: true,
		Getenv:  func(string) (string, bool) { return "", false },
		Environ: []string{"CHECKPOINT_DISABLE=1", "PATH=" + os.Getenv("PATH"), "HOME=" + tr.home},
	}
}

// load loads dev for command; edit adjusts the options first.
func (tr *tree) load(command string, edit ...func(*Options)) *Engine {
	tr.t.Helper()
	o := tr.options(command)
	for _, f := range edit {
		f(&o)
	}
	e, err := Load(o)
	if err != nil {
		tr.t.Fatalf("loading dev: %v", err)
	}
	return e
}

// run loads the tree afresh (as each command does) and runs op over the
// selection; the kept plans are discarded when the test ends.
func (tr *tree) run(command string, op Operation, sel ...string) (*Result, *recorder) {
	tr.t.Helper()
	return tr.runOn(tr.load(command), op, sel...)
}

func (tr *tree) runOn(e *Engine, op Operation, sel ...string) (*Result, *recorder) {
	tr.t.Helper()
	rec := newRecorder()
	o := RunOptions{Parallelism: 2, Observer: rec}
	if len(sel) > 0 {
		o.Selected = map[string]bool{}
		for _, p := range sel {
			o.Selected[p] = true
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := e.Run(ctx, op, o)
	if err != nil {
		tr.t.Fatalf("%s: %v", op.Name, err)
	}
	tr.t.Cleanup(res.Discard)
	return res, rec
}

func (tr *tree) path(rel string) string { return filepath.Join(tr.dir, filepath.FromSlash(rel)) }

func (tr *tree) statePath(unit string) string {
	return tr.path(".stackctl/state/dev/" + unit + "/terraform.tfstate")
}

// state reads a unit's local state file; nil when there is none.
func (tr *tree) state(unit string) *state.State {
	tr.t.Helper()
	data, err := os.ReadFile(tr.statePath(unit))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		tr.t.Fatal(err)
	}
	st, err := state.Parse(data)
	if err != nil {
		tr.t.Fatalf("state of %s: %v", unit, err)
	}
	return st
}

// output is a string output of a unit's state; "" when it is missing.
func (tr *tree) output(unit, name string) string {
	tr.t.Helper()
	st := tr.state(unit)
	if st == nil {
		return ""
	}
	v, ok := st.Outputs[name]
	if !ok || v.Value.Type() != cty.String {
		return ""
	}
	return v.Value.AsString()
}

func (tr *tree) write(rel, content string) {
	tr.t.Helper()
	p := tr.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) read(rel string) string {
	tr.t.Helper()
	return testutil.ReadFile(tr.t, tr.path(rel))
}

// recorder is an Observer that keeps the order units started in, their
// steps and their output.
type recorder struct {
	mu      sync.Mutex
	started []string
	steps   map[string][]string
	out     map[string]*testutil.SyncBuffer
}

var _ runner.Observer = (*recorder)(nil)

func newRecorder() *recorder {
	return &recorder{steps: map[string][]string{}, out: map[string]*testutil.SyncBuffer{}}
}

func (r *recorder) Queued([]string) {}

func (r *recorder) Started(unit string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = append(r.started, unit)
}

func (r *recorder) Step(unit, step string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps[unit] = append(r.steps[unit], step)
}

func (r *recorder) Output(unit string) io.Writer {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.out[unit] == nil {
		r.out[unit] = &testutil.SyncBuffer{}
	}
	return r.out[unit]
}

func (r *recorder) Finished(runner.Event) {}

func (r *recorder) order() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.started)
}

func (r *recorder) stepsOf(unit string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.steps[unit])
}

func (r *recorder) output(unit string) string {
	r.mu.Lock()
	b := r.out[unit]
	r.mu.Unlock()
	if b == nil {
		return ""
	}
	return b.String()
}

// outcome is a unit's outcome, failing the test when it is not there.
func outcome(t *testing.T, res *Result, unit string) *UnitOutcome {
	t.Helper()
	u := res.Unit(unit)
	if u == nil {
		t.Fatalf("%s is not in the result of %s", unit, res.Operation)
	}
	return u
}

// wantStatus checks the status of each unit, saying its error otherwise.
func wantStatus(t *testing.T, res *Result, want map[string]Status) {
	t.Helper()
	for unit, st := range want {
		u := outcome(t, res, unit)
		if u.Status != st {
			t.Errorf("%s %s: %s (%v, %q), want %s", res.Operation, unit, u.Status, u.Err, u.Message, st)
		}
	}
}
