package surgery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/config"
)

// withDependents is an environment whose dependency graph the test
// gives: mv-unit rewrites the dependency paths of a unit's dependents.
type withDependents struct {
	*testEnv
	deps map[string][]string
}

func (e *withDependents) Dependents(unit string) []string { return e.deps[unit] }

const (
	webUnit = "source = \"../../../modules/m\"\ninputs = {}\n"
	apiUnit = "dependency \"web\" {\n  path         = \"../web\"\n  mock_outputs = {}\n}\ninputs = {}\n"
)

// moveTree: web (a local module, a state), api (a state, a dependency
// on web), dns (no state).
func moveTree(t *testing.T, stackctl string) *withDependents {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":          stackctl,
		"live/dev/env.hcl":      "vars = {}\n",
		"modules/m/main.tf":     "resource \"terraform_data\" \"x\" {}\n",
		"live/dev/web/unit.hcl": webUnit,
		"live/dev/api/unit.hcl": apiUnit,
		"live/dev/dns/unit.hcl": "inputs = {}\n",
	})
	for unit, lineage := range map[string]string{"web": "lw", "api": "la"} {
		path := env.st.Unit(unit).Backend.String("path")
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, []byte(strings.NewReplacer("LINEAGE", lineage, "VALUE", unit+"-1").Replace(stateDoc)), 0o600))
	}
	return &withDependents{env, map[string][]string{"web": {"api"}}}
}

const moveStack = "project = \"gw\"\nlive_dir = \"live\"\n"

func TestPrepareMoveUnitRefusals(t *testing.T) {
	env := moveTree(t, moveStack)
	root := env.st.Root.Dir
	must(t, os.MkdirAll(filepath.Join(root, "live/dev/old"), 0o755))
	taken := config.LocalStatePath(root, "dev", "services/web")
	must(t, os.MkdirAll(filepath.Dir(taken), 0o755))
	must(t, os.WriteFile(taken, []byte(strings.NewReplacer("LINEAGE", "lx", "VALUE", "x", `"serial": 3`, `"serial": 9`).Replace(stateDoc)), 0o600))
	for _, c := range []struct{ from, to, want string }{
		{"nope", "services/nope", `environment dev has no unit "nope"; its units: api, dns, web`},
		{"web", "", "the new unit path is empty"},
		{"web", `services\web`, `"services\\web" is not a unit path: give it relative to the environment folder`},
		{"web", "services/../web2", `"services/../web2" is not a unit path: folder names only`},
		{"web", "services/.web", `"services/.web" is not a unit path: folder names only`},
		{"web", "/web/", "web is already at web: nothing to move"},
		{"web", "web/inner", "cannot move web to web/inner: one is inside the other"},
		{"web", "api", "cannot move web to api: there is a unit api already"},
		{"web", "old", "cannot move web to old: live/dev/old exists"},
		{"web", "services/web", "cannot move web to services/web: its new state " + taken + " holds a state already (serial 9, 1 resource instance(s)); nothing was changed"},
	} {
		_, err := PrepareMoveUnit(context.Background(), env, MoveUnitOptions{From: c.from, To: c.to})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s to %q: got %v\nwant %s", c.from, c.to, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "live/dev/web/unit.hcl")); err != nil {
		t.Errorf("a refused move moved the folder: %v", err)
	}
}

// A folder holding another unit cannot move: that unit's state would
// have to move with it.
func TestPrepareMoveUnitWithAUnitInside(t *testing.T) {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":              moveStack,
		"live/dev/env.hcl":          "vars = {}\n",
		"live/dev/net/unit.hcl":     "inputs = {}\n",
		"live/dev/net/sub/unit.hcl": "inputs = {}\n",
	})
	_, err := PrepareMoveUnit(context.Background(), env, MoveUnitOptions{From: "net", To: "network"})
	if want := "cannot move net: its folder holds unit net/sub too, whose state would move with it; move that one first"; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// The folder moves with its state: created at the new key with the same
// lineage and the next serial, the old key deleted once verified (and
// backed up), the module source of the unit and the dependency path of
// its dependent rewritten for where it is now.
func TestMoveUnit(t *testing.T) {
	env := moveTree(t, moveStack)
	root := env.st.Root.Dir
	oldKey, newKey := config.LocalStatePath(root, "dev", "web"), config.LocalStatePath(root, "dev", "services/web")
	before, _ := os.ReadFile(oldKey)
	s, err := PrepareMoveUnit(context.Background(), env, MoveUnitOptions{From: "web", To: "services/web", Command: "stackctl mv-unit web services/web"})
	must(t, err)
	r := s.Report
	if r.Operation != "mv-unit" || len(r.Moves) != 1 || r.Moves[0] != (DirMove{From: "live/dev/web", To: "live/dev/services/web"}) {
		t.Errorf("operation %s, moves %+v", r.Operation, r.Moves)
	}
	if got := strings.Join(r.Files, " "); got != "live/dev/services/web/unit.hcl live/dev/api/unit.hcl" {
		t.Errorf("files %s", got)
	}
	if len(r.FileEdits) != 2 ||
		r.FileEdits[0].File != "live/dev/services/web/unit.hcl" || r.FileEdits[0].Old != "../../../modules/m" || r.FileEdits[0].New != "../../../../modules/m" ||
		r.FileEdits[1].File != "live/dev/api/unit.hcl" || r.FileEdits[1].Line != 2 || r.FileEdits[1].Old != "../web" || r.FileEdits[1].New != "../services/web" {
		t.Errorf("file edits %+v", r.FileEdits)
	}
	if len(r.States) != 2 {
		t.Fatalf("states %+v", r.States)
	}
	if c := r.States[0]; c.Unit != "services/web" || c.Action != "create" || c.Where != newKey || c.Serial != 0 || c.Next != 4 || c.Lineage != "lw" || c.Resources != 1 {
		t.Errorf("the new state %+v", c)
	}
	if d := r.States[1]; d.Unit != "web" || d.Action != "delete" || d.Where != oldKey || d.Serial != 3 || d.Next != 0 || d.Lineage != "lw" {
		t.Errorf("the old state %+v", d)
	}
	if got := expectations(r); got != "services/web:1:false api:0:false" || !slices.Equal(r.Verify[0].Touched, []string{"terraform_data.x"}) {
		t.Errorf("verify %s %+v", got, r.Verify)
	}
	if r.Notes != nil {
		t.Errorf("notes %q", r.Notes)
	}
	if _, err := os.Stat(filepath.Join(root, "live/dev/services")); !os.IsNotExist(err) {
		t.Errorf("preparing moved the folder: %v", err)
	}
	if _, err := os.Stat(newKey); !os.IsNotExist(err) {
		t.Errorf("preparing wrote the new state: %v", err)
	}

	var planned []string
	env.plans = func(u string) *tfjson.Plan { planned = append(planned, u); return &tfjson.Plan{} }
	rep, err := s.Run(context.Background(), nil)
	must(t, err)
	if strings.Join(planned, " ") != "services/web api" {
		t.Errorf("planned %v", planned)
	}
	res := rep.Result
	if len(res.Written) != 1 || res.Written[0].Unit != "services/web" || res.Written[0].Serial != 4 || res.Written[0].Backup != "" {
		t.Errorf("written %+v", res.Written)
	}
	if len(res.Deleted) != 1 || res.Deleted[0].Unit != "web" || res.Deleted[0].Backup == "" {
		t.Fatalf("deleted %+v", res.Deleted)
	}
	if b, err := os.ReadFile(res.Deleted[0].Backup); err != nil || !bytes.Equal(b, before) {
		t.Errorf("the old state is not backed up as it was: %v", err)
	}
	if _, err := os.Stat(oldKey); !os.IsNotExist(err) {
		t.Errorf("the old state is left: %v", err)
	}
	moved, _ := unitState(t, env.testEnv, "services/web")
	if moved == nil || moved.Lineage != "lw" || moved.Serial != 4 {
		t.Fatalf("the new state: %+v", moved)
	}
	if _, i, _ := moved.Instance("terraform_data.x"); i == nil {
		t.Error("terraform_data.x did not move with the state")
	}
	if b, _ := os.ReadFile(filepath.Join(root, "live/dev/services/web/unit.hcl")); string(b) != strings.Replace(webUnit, "../../../", "../../../../", 1) {
		t.Errorf("the moved unit.hcl:\n%s", b)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "live/dev/api/unit.hcl")); string(b) != strings.Replace(apiUnit, `"../web"`, `"../services/web"`, 1) {
		t.Errorf("api/unit.hcl:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(root, "live/dev/web")); !os.IsNotExist(err) {
		t.Errorf("the old folder is left: %v", err)
	}
}

// A unit without state moves as a folder only, and says so.
func TestMoveUnitWithoutState(t *testing.T) {
	env := moveTree(t, moveStack)
	root := env.st.Root.Dir
	s, err := PrepareMoveUnit(context.Background(), env, MoveUnitOptions{From: "dns", To: "net/dns"})
	must(t, err)
	r := s.Report
	want := "dns has no state (" + config.LocalStatePath(root, "dev", "dns") + "): only its folder moves"
	if r.States != nil || r.Files != nil || !slices.Equal(r.Notes, []string{want}) || expectations(r) != "net/dns:0:false" {
		t.Errorf("states %+v, files %v, notes %q, verify %s", r.States, r.Files, r.Notes, expectations(r))
	}
	rep, err := s.Run(context.Background(), nil)
	must(t, err)
	if rep.Result.Written != nil || rep.Result.Deleted != nil {
		t.Errorf("result %+v", rep.Result)
	}
	if b, err := os.ReadFile(filepath.Join(root, "live/dev/net/dns/unit.hcl")); err != nil || string(b) != "inputs = {}\n" {
		t.Errorf("the moved unit.hcl: %q %v", b, err)
	}
	if _, err := os.Stat(config.LocalStatePath(root, "dev", "net/dns")); !os.IsNotExist(err) {
		t.Errorf("a state was created for a unit without one: %v", err)
	}
}

// When remote_state does not depend on the unit's path, the state stays
// where it is: nothing is created or deleted, only files move.
func TestMoveUnitWithTheSameKey(t *testing.T) {
	env := moveTree(t, moveStack+"remote_state {\n  backend = \"local\"\n  config  = { path = \"states/${unit.name}.tfstate\" }\n}\n")
	key := env.st.Unit("web").Backend.String("path")
	before, _ := os.ReadFile(key)
	s, err := PrepareMoveUnit(context.Background(), env, MoveUnitOptions{From: "web", To: "services/web"})
	must(t, err)
	r := s.Report
	want := "the state of web stays where it is (" + key + "): remote_state's key does not depend on the unit's path"
	if r.States != nil || !slices.Equal(r.Notes, []string{want}) {
		t.Errorf("states %+v, notes %q", r.States, r.Notes)
	}
	rep, err := s.Run(context.Background(), nil)
	must(t, err)
	if rep.Result.Written != nil || rep.Result.Deleted != nil || len(rep.Result.Moves) != 1 {
		t.Errorf("result %+v", rep.Result)
	}
	if b, _ := os.ReadFile(key); !bytes.Equal(b, before) {
		t.Error("the state was rewritten")
	}
}

// A module inside the unit folder moves with it: its source stays
// "./mod", never the old folder's path (which the move empties).
func TestMoveUnitWithItsOwnModule(t *testing.T) {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":             moveStack,
		"live/dev/env.hcl":         "vars = {}\n",
		"live/dev/dns/unit.hcl":    "source = \"./mod\"\ninputs = {}\n",
		"live/dev/dns/mod/main.tf": "resource \"terraform_data\" \"x\" {}\n",
	})
	root := env.st.Root.Dir
	s, err := PrepareMoveUnit(context.Background(), &withDependents{env, nil}, MoveUnitOptions{From: "dns", To: "net/dns"})
	must(t, err)
	if len(s.Report.FileEdits) != 0 {
		t.Errorf("file edits %+v", s.Report.FileEdits)
	}
	_, err = s.Run(context.Background(), nil)
	must(t, err)
	if b, _ := os.ReadFile(filepath.Join(root, "live/dev/net/dns/unit.hcl")); string(b) != "source = \"./mod\"\ninputs = {}\n" {
		t.Errorf("the moved unit.hcl:\n%s", b)
	}
}
