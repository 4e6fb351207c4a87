package surgery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
	"github.com/stackctl/stackctl/internal/state/local"
)

// testEnv is an environment loaded from a real tree, with local stores
// and verification plans the test decides.
type testEnv struct {
	st     *config.Stack
	stores map[string]*local.Backend
	plans  func(unit string) *tfjson.Plan
}

func (e *testEnv) Stack() *config.Stack { return e.st }
func (e *testEnv) Selected() ([]string, bool) {
	return e.st.UnitPaths(), true
}
func (e *testEnv) Dependents(string) []string { return nil }
func (e *testEnv) OpenStore(_ context.Context, u *config.Unit) (state.Store, *state.Backups, error) {
	path := u.Backend.String("path")
	if e.stores[path] == nil {
		e.stores[path] = local.New(path)
	}
	return e.stores[path], &state.Backups{Dir: filepath.Join(e.st.Root.Dir, ".stackctl", "backups", e.st.Env.Name, u.Path)}, nil
}
func (e *testEnv) Verify(_ context.Context, units []string) (map[string]*tfjson.Plan, error) {
	out := map[string]*tfjson.Plan{}
	for _, u := range units {
		out[u] = e.plans(u)
	}
	return out, nil
}

func loadEnv(t *testing.T, files map[string]string) *testEnv {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(content), 0o644))
	}
	st, diags := config.NewLoader(config.Options{Dir: root}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return &testEnv{st: st, stores: map[string]*local.Backend{}, plans: func(string) *tfjson.Plan { return &tfjson.Plan{} }}
}

const gatewayUnit = `# The gateway in front of the heroku apps.
inputs = {
  apps = {
    wasabi   = { size = "standard-1x", web = 2 } # the main app
    mywasabi = { size = "basic", web = 1 }
    kiwi     = { size = "basic", web = 1 }
  }
  routes = ["wasabi.herokuapp.com", "kiwi.herokuapp.com"]
}
`

// rename-app on the heroku-shaped gateway, through the transaction: the
// report people see, the state written (the golden rewrite at the next
// serial), the unit's inputs renamed with their layout and comments.
func TestPrepareRenameAppHeroku(t *testing.T) {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":              "project = \"gw\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":          "vars = {}\n",
		"live/dev/gateway/unit.hcl": gatewayUnit,
	})
	_, fixture := loadState(t, "heroku.tfstate")
	path := config.LocalStatePath(env.st.Root.Dir, "dev", "gateway")
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, fixture, 0o600))

	s, err := PrepareRenameApp(context.Background(), env, RenameOptions{From: "wasabi", To: "wasabi-v2"})
	must(t, err)
	var shown bytes.Buffer
	s.Report.WritePlan(&shown)
	golden(t, "heroku.plan.txt", shown.Bytes())
	if got, _ := os.ReadFile(path); !bytes.Equal(got, fixture) {
		t.Fatal("preparing wrote the state")
	}

	var log bytes.Buffer
	rep, err := s.Run(context.Background(), &log)
	must(t, err)
	var done bytes.Buffer
	rep.WriteDone(&done)
	golden(t, "heroku.done.txt", []byte(stamps.ReplaceAllString(log.String()+"--\n"+done.String(), "STAMP")))
	got, _ := os.ReadFile(path)
	want, _ := os.ReadFile("testdata/heroku.renamed.tfstate")
	want = bytes.Replace(want, []byte(`"serial": 42,`), []byte(`"serial": 43,`), 1)
	if !bytes.Equal(got, want) {
		t.Errorf("the state written is not the golden rewrite at serial 43")
	}
	unit, _ := os.ReadFile(filepath.Join(env.st.Root.Dir, "live/dev/gateway/unit.hcl"))
	wantUnit := strings.NewReplacer(`    wasabi   = {`, `    wasabi-v2   = {`, `["wasabi.herokuapp.com"`, `["wasabi-v2.herokuapp.com"`).Replace(gatewayUnit)
	if string(unit) != wantUnit {
		t.Errorf("unit.hcl:\n%s\nwant:\n%s", unit, wantUnit)
	}
}

var stamps = regexp.MustCompile(`\d{8}T\d{6}\.\d{9}Z`)

// A verification plan that shows a renamed resource changing rolls the
// whole surgery back, and says why.
func TestRenameAppRollsBackOnABadPlan(t *testing.T) {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":              "project = \"gw\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":          "vars = {}\n",
		"live/dev/gateway/unit.hcl": gatewayUnit,
	})
	_, fixture := loadState(t, "heroku.tfstate")
	path := config.LocalStatePath(env.st.Root.Dir, "dev", "gateway")
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, fixture, 0o600))
	env.plans = func(string) *tfjson.Plan {
		return &tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{{Address: `heroku_app.apps["wasabi-v2"]`, Mode: tfjson.ManagedResourceMode,
			Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionDelete, tfjson.ActionCreate}}}}}
	}
	s, err := PrepareRenameApp(context.Background(), env, RenameOptions{From: "wasabi", To: "wasabi-v2"})
	must(t, err)
	_, err = s.Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), `heroku_app.apps["wasabi-v2"] would be replaced`) || !strings.Contains(err.Error(), "Rolled back") {
		t.Fatalf("want a rollback naming the replacement, got %v", err)
	}
	got, _ := os.ReadFile(path)
	st, err := state.Parse(got)
	must(t, err)
	orig, _ := state.Parse(fixture)
	st.Serial, orig.Serial = 0, 0
	a, _ := st.Marshal()
	b, _ := orig.Marshal()
	if !bytes.Equal(a, b) {
		t.Error("the state is not the one there was")
	}
	if unit, _ := os.ReadFile(filepath.Join(env.st.Root.Dir, "live/dev/gateway/unit.hcl")); string(unit) != gatewayUnit {
		t.Errorf("unit.hcl was not restored:\n%s", unit)
	}
}

func TestRenameAppBadInput(t *testing.T) {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":              "project = \"gw\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":          "vars = {}\n",
		"live/dev/gateway/unit.hcl": gatewayUnit,
	})
	_, err := PrepareRenameApp(context.Background(), env, RenameOptions{From: "wasabi", To: "wasabi-v2"})
	if err == nil || !strings.Contains(err.Error(), "none of the selected units (gateway) has state") {
		t.Errorf("no state: %v", err)
	}
	_, fixture := loadState(t, "heroku.tfstate")
	path := config.LocalStatePath(env.st.Root.Dir, "dev", "gateway")
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, fixture, 0o600))
	_, err = PrepareRenameApp(context.Background(), env, RenameOptions{From: "papaya", To: "mango"})
	if err == nil || !strings.Contains(err.Error(), `"papaya" was not found`) {
		t.Errorf("not found: %v", err)
	}
	_, err = PrepareRenameApp(context.Background(), env, RenameOptions{From: "kiwi2", To: "kiwi"})
	if err == nil || !strings.Contains(err.Error(), `"kiwi" already appears in the state of gateway`) {
		t.Errorf("new name there already: %v", err)
	}
}
