package surgery

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/config"
)

// someUnits is an environment where only some units are selected.
type someUnits struct {
	*testEnv
	units []string
}

func (e *someUnits) Selected() ([]string, bool) { return e.units, false }

// fourUnits: gateway (the heroku state), web (a state without the app,
// inputs naming it), dns (no state, inputs naming it), api (a state with
// the app in an output only); env.hcl names the app too.
func fourUnits(t *testing.T) *testEnv {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":              "project = \"gw\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":          "vars = { app = \"wasabi\" }\n",
		"live/dev/gateway/unit.hcl": gatewayUnit,
		"live/dev/web/unit.hcl":     "inputs = { upstream = \"wasabi.herokuapp.com\" }\n",
		"live/dev/dns/unit.hcl":     "inputs = { name = \"wasabi\" }\n",
		"live/dev/api/unit.hcl":     "inputs = {}\n",
	})
	_, fixture := loadState(t, "heroku.tfstate")
	put := func(unit string, doc []byte) {
		path := config.LocalStatePath(env.st.Root.Dir, "dev", unit)
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, doc, 0o600))
	}
	put("gateway", fixture)
	put("web", []byte(strings.NewReplacer("LINEAGE", "lw", "VALUE", "web-1").Replace(stateDoc)))
	put("api", []byte(strings.NewReplacer("LINEAGE", "la", "VALUE", "api-1", `"outputs": {}`, `"outputs": {"url": {"value": "https://wasabi.example.com", "type": "string"}}`).Replace(stateDoc)))
	return env
}

func expectations(r *Report) string {
	var out []string
	for _, ex := range r.Verify {
		out = append(out, fmt.Sprintf("%s:%d:%v", ex.Unit, len(ex.Touched), ex.NoOp))
	}
	return strings.Join(out, " ")
}

// Every unit is selected: env.hcl is renamed with the units' files; the
// units whose state or files change are planned (all of them with state,
// since env.hcl changed), a unit without state is not.
func TestPrepareRenameAppAcrossUnits(t *testing.T) {
	env := fourUnits(t)
	s, err := PrepareRenameApp(context.Background(), env, RenameOptions{From: "wasabi", To: "wasabi-v2", AllowUpdate: true})
	must(t, err)
	r := s.Report
	if got := strings.Join(r.Files, " "); got != "live/dev/dns/unit.hcl live/dev/env.hcl live/dev/gateway/unit.hcl live/dev/web/unit.hcl" {
		t.Errorf("files %s", got)
	}
	var units []string
	for _, sp := range r.States {
		units = append(units, sp.Unit+":"+sp.Action)
	}
	if got := strings.Join(units, " "); got != "api:rewrite gateway:rewrite" {
		t.Errorf("states %s", got)
	}
	if got := expectations(r); got != "api:0:false gateway:8:false web:0:false" {
		t.Errorf("verify %s", got)
	}
	if r.Notes != nil {
		t.Errorf("notes %v", r.Notes)
	}
	if r.FileEdits[1] != (TextEdit{File: "live/dev/env.hcl", Line: 1, Column: 17, Old: "wasabi", New: "wasabi-v2"}) {
		t.Errorf("the env.hcl edit: %+v", r.FileEdits[1])
	}
}

// With only some units selected, env.hcl (shared by all) is left as it
// is, with a note; a unit whose state has nothing to rename is not
// written.
func TestPrepareRenameAppSomeUnits(t *testing.T) {
	env := fourUnits(t)
	s, err := PrepareRenameApp(context.Background(), &someUnits{env, []string{"web", "gateway"}}, RenameOptions{From: "wasabi", To: "wasabi-v2"})
	must(t, err)
	r := s.Report
	if got := strings.Join(r.Files, " "); got != "live/dev/gateway/unit.hcl live/dev/web/unit.hcl" {
		t.Errorf("files %s", got)
	}
	if len(r.States) != 1 || r.States[0].Unit != "gateway" {
		t.Errorf("states %+v", r.States)
	}
	if got := expectations(r); got != "web:0:true gateway:8:true" {
		t.Errorf("verify %s", got)
	}
	want := `live/dev/env.hcl carries "wasabi" in 1 place(s) but is shared by every unit of dev, and only some are selected: it is left as it is. Rename there yourself, or run without --unit.`
	if strings.Join(r.Notes, "|") != want {
		t.Errorf("notes %q", r.Notes)
	}
	// Only the output names it: the unit is planned, nothing is touched.
	s, err = PrepareRenameApp(context.Background(), &someUnits{env, []string{"api"}}, RenameOptions{From: "wasabi", To: "wasabi-v2"})
	must(t, err)
	if got := expectations(s.Report); got != "api:0:true" || len(s.Report.Edits) != 1 || s.Report.Edits[0].Address != "output.url" {
		t.Errorf("verify %s, edits %+v", got, s.Report.Edits)
	}
}

func TestPrepareRenameAppRefusals(t *testing.T) {
	env := fourUnits(t)
	ctx := context.Background()
	if _, err := PrepareRenameApp(ctx, env, RenameOptions{From: "wasabi", To: "wasabi-v2", Exclude: []string{"kong_*", " "}}); err == nil || !strings.HasPrefix(err.Error(), "--exclude is empty") {
		t.Errorf("an empty exclude: %v", err)
	}
	if _, err := PrepareRenameApp(ctx, env, RenameOptions{From: "wasabi", To: ""}); err == nil {
		t.Error("an empty new name is accepted")
	}
	_, err := PrepareRenameApp(ctx, env, RenameOptions{From: "papaya", To: "kiwi", Exclude: []string{"kong_*"}})
	want := `"papaya" was not found as a name or a delimited token in the identifying attributes of the 3 state(s) searched (api, dns, gateway, web) nor in their inputs: nothing to rename; dns ha(s/ve) no state; "kiwi" already appears in the state of gateway (heroku_app.apps["kiwi"]): was the rename done already?; --exclude kong_* left some resources out`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	_, err = PrepareRenameApp(ctx, &someUnits{env, []string{"web"}}, RenameOptions{From: "papaya", To: "mango"})
	if want := `"papaya" was not found as a name or a delimited token in the identifying attributes of the 1 state(s) searched (web) nor in their inputs: nothing to rename`; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	_, err = PrepareRenameApp(ctx, &someUnits{env, []string{"dns"}}, RenameOptions{From: "wasabi", To: "mango"})
	if want := `none of the selected units (dns) has state: there is nothing to rename in state`; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	// Excluded, the only state edits left are in other units.
	s, err := PrepareRenameApp(ctx, &someUnits{env, []string{"gateway", "api"}}, RenameOptions{From: "wasabi", To: "wasabi-v2", Exclude: []string{"heroku_*", "kong_*", "output.*"}})
	must(t, err)
	if len(s.Report.Edits) != 0 || len(s.Report.States) != 0 || strings.Join(s.Report.Files, " ") != "live/dev/gateway/unit.hcl" {
		t.Errorf("edits %+v, states %+v, files %v", s.Report.Edits, s.Report.States, s.Report.Files)
	}
}

// noPlans is an environment whose verification plans must not be asked
// for.
type noPlans struct{ *someUnits }

func (e noPlans) Verify(context.Context, []string) (map[string]*tfjson.Plan, error) {
	return nil, errors.New("no unit was to be planned")
}

// A rename that changes only the inputs of a unit without state has no
// plan to verify it with: none is made, and the file is written.
func TestRenameAppWithNothingToPlan(t *testing.T) {
	env := fourUnits(t)
	s, err := PrepareRenameApp(context.Background(), noPlans{&someUnits{env, []string{"api", "dns"}}}, RenameOptions{From: "wasabi", To: "wasabi-v2", Exclude: []string{"output.*"}})
	must(t, err)
	if len(s.Report.Verify) != 0 || strings.Join(s.Report.Files, " ") != "live/dev/dns/unit.hcl" {
		t.Fatalf("verify %+v, files %v", s.Report.Verify, s.Report.Files)
	}
	rep, err := s.Run(context.Background(), nil)
	must(t, err)
	if rep.Plans != nil || strings.Join(rep.Result.Files, " ") != "live/dev/dns/unit.hcl" {
		t.Errorf("plans %+v, result %+v", rep.Plans, rep.Result)
	}
	if b, _ := os.ReadFile(filepath.Join(env.st.Root.Dir, "live/dev/dns/unit.hcl")); string(b) != "inputs = { name = \"wasabi-v2\" }\n" {
		t.Errorf("dns/unit.hcl: %s", b)
	}
}

// With only some units selected and an env.hcl that does not name the
// app, there is nothing to say about env.hcl.
func TestPrepareRenameAppNoNoteWithoutTheNameInEnv(t *testing.T) {
	env := loadEnv(t, map[string]string{
		"stackctl.hcl":              "project = \"gw\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":          "vars = { region = \"eu-west-1\" }\n",
		"live/dev/gateway/unit.hcl": gatewayUnit,
		"live/dev/web/unit.hcl":     "inputs = {}\n",
	})
	_, fixture := loadState(t, "heroku.tfstate")
	path := config.LocalStatePath(env.st.Root.Dir, "dev", "gateway")
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, fixture, 0o600))
	s, err := PrepareRenameApp(context.Background(), &someUnits{env, []string{"gateway"}}, RenameOptions{From: "wasabi", To: "wasabi-v2"})
	must(t, err)
	if s.Report.Notes != nil {
		t.Errorf("notes %q", s.Report.Notes)
	}
}
