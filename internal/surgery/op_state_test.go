package surgery

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// unitState reads a unit's local state as stored; nil when there is none.
func unitState(t *testing.T, env *testEnv, unit string) (*state.State, []byte) {
	t.Helper()
	b, err := os.ReadFile(config.LocalStatePath(env.st.Root.Dir, "dev", unit))
	if os.IsNotExist(err) {
		return nil, nil
	}
	must(t, err)
	st, err := state.Parse(b)
	must(t, err)
	return st, b
}

// Each refusal a user can meet names the problem, before anything is
// locked or written.
func TestPrepareStateMoveRefusals(t *testing.T) {
	env := fourUnits(t)
	ctx := context.Background()
	_, gateway := unitState(t, env, "gateway")
	for _, c := range []struct {
		name string
		o    MoveOptions
		want string
	}{
		{"unknown source unit", MoveOptions{FromUnit: "nope", From: "heroku_app.wasabi2", ToUnit: "web", To: "heroku_app.wasabi2"},
			`environment dev has no unit "nope"; its units: `},
		{"unknown destination unit", MoveOptions{FromUnit: "gateway", From: "heroku_app.wasabi2", ToUnit: "nope", To: "heroku_app.wasabi2"},
			`environment dev has no unit "nope"`},
		{"type change", MoveOptions{FromUnit: "gateway", From: "heroku_app.wasabi2", ToUnit: "web", To: "kong_route.wasabi2"},
			"cannot move heroku_app.wasabi2 to kong_route.wasabi2: the resource type must stay the same"},
		{"data source", MoveOptions{FromUnit: "gateway", From: "data.heroku_app.lookup", ToUnit: "web", To: "data.heroku_app.lookup"},
			"data.heroku_app.lookup is a data source: nothing to move, every plan reads it again"},
		{"where it is", MoveOptions{FromUnit: "gateway", From: "heroku_app.wasabi2", ToUnit: "gateway", To: "heroku_app.wasabi2"},
			"gateway:heroku_app.wasabi2 is where it is: nothing to move"},
		{"not in the source", MoveOptions{FromUnit: "web", From: "terraform_data.y", ToUnit: "api", To: "terraform_data.y"},
			"terraform_data.y is not in the state of web; it holds: terraform_data.x"},
		// gateway holds 16 managed instances: the message lists 12.
		{"instance not in the source", MoveOptions{FromUnit: "gateway", From: `heroku_app.apps["papaya"]`, ToUnit: "web", To: `heroku_app.apps["papaya"]`},
			`heroku_app.apps["papaya"] is not in the state of gateway; it holds: heroku_addon.db["wasabi"], heroku_app.apps["kiwi"], `},
		{"source without state", MoveOptions{FromUnit: "dns", From: "terraform_data.x", ToUnit: "web", To: "terraform_data.y"},
			"dns has no state ("},
		{"destination exists", MoveOptions{FromUnit: "web", From: "terraform_data.x", ToUnit: "api", To: "terraform_data.x"},
			"api:terraform_data.x exists already: move it away first"},
		{"destination exists in the same unit", MoveOptions{FromUnit: "gateway", From: "heroku_app.wasabi2", ToUnit: "gateway", To: "heroku_app.apps"},
			"gateway:heroku_app.apps exists already: move it away first"},
		{"destination instance exists", MoveOptions{FromUnit: "gateway", From: `heroku_app.apps["mywasabi"]`, ToUnit: "gateway", To: `heroku_app.apps["kiwi"]`},
			`gateway:heroku_app.apps["kiwi"] exists already: move it away first`},
		{"several instances with --write-moved", MoveOptions{FromUnit: "gateway", From: "heroku_app.apps", ToUnit: "web", To: "heroku_app.apps", WriteMoved: true},
			"--write-moved needs one import ID, and heroku_app.apps has 3 instances: move them one by one, or without --write-moved"},
		{"one instance with --write-moved", MoveOptions{FromUnit: "gateway", From: `heroku_app.apps["kiwi"]`, ToUnit: "web", To: `heroku_app.apps["kiwi"]`, WriteMoved: true},
			"--write-moved moves whole resources: a removed block cannot name one instance"},
	} {
		_, err := PrepareStateMove(ctx, env, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v\nwant %s", c.name, err, c.want)
		}
	}
	_, err := PrepareStateMove(ctx, env, MoveOptions{FromUnit: "gateway", From: `heroku_app.apps["papaya"]`, ToUnit: "web", To: `heroku_app.apps["papaya"]`})
	if err == nil || !strings.HasSuffix(err.Error(), `, and 4 more (stackctl state list)`) {
		t.Errorf("the list of what gateway holds is not cut at 12: %v", err)
	}
	if _, b := unitState(t, env, "gateway"); !bytes.Equal(b, gateway) {
		t.Error("a refused move wrote the source state")
	}
	if st, _ := unitState(t, env, "dns"); st != nil {
		t.Error("a refused move created a state")
	}
}

// Moving a resource to a unit without state: the report shows the source
// rewritten and the destination created with a new lineage, the plans
// that verify it, and the configuration change people must make; the
// run writes both states, backs up the one replaced, and drops the
// dependency entries that no longer hold.
func TestStateMoveToAUnitWithoutState(t *testing.T) {
	env := fourUnits(t)
	orig, before := unitState(t, env, "gateway")
	s, err := PrepareStateMove(context.Background(), env, MoveOptions{FromUnit: "gateway", From: "kong_service.apps", ToUnit: "dns", To: "kong_service.apps"})
	must(t, err)
	r := s.Report
	if r.Operation != "state mv" || r.Env != "dev" || len(r.States) != 2 {
		t.Fatalf("report %+v", r)
	}
	src, dst := r.States[0], r.States[1]
	if src.Unit != "gateway" || src.Action != "rewrite" || src.Serial != 42 || src.Next != 43 || src.Lineage != orig.Lineage || src.Resources != 15 {
		t.Errorf("source %+v", src)
	}
	if dst.Unit != "dns" || dst.Action != "create" || dst.Serial != 0 || dst.Next != 1 || dst.Resources != 2 || dst.Lineage == "" || dst.Lineage == orig.Lineage {
		t.Errorf("destination %+v", dst)
	}
	if m := r.Moved; m == nil || m.From != "gateway:kong_service.apps" || m.To != "dns:kong_service.apps" || m.Objects != 2 ||
		strings.Join(m.IDs, " ") != "11111111-2222-4333-8444-555555555555 21111111-2222-4333-8444-555555555555" || strings.Join(m.Dependents, " ") != "kong_route.apps" {
		t.Errorf("moved %+v", r.Moved)
	}
	if len(r.Verify) != 2 || r.Verify[0].Unit != "gateway" || !slices.Equal(r.Verify[0].Absent, []string{"kong_service.apps"}) || r.Verify[0].Touched != nil ||
		r.Verify[1].Unit != "dns" || !slices.Equal(r.Verify[1].Touched, []string{"kong_service.apps"}) || r.Verify[1].Absent != nil {
		t.Errorf("verify %+v", r.Verify)
	}
	wantNotes := []string{
		"configuration: declare kong_service.apps in the configuration of dns (live/dev/dns) and remove kong_service.apps from that of gateway (live/dev/gateway)",
		`kong_route.apps in gateway depend(s) on kong_service.apps: give dns an output for what they use, and read it through a dependency "dns" block`,
	}
	if !slices.Equal(r.Notes, wantNotes) {
		t.Errorf("notes %q", r.Notes)
	}
	if r.Files != nil {
		t.Errorf("files %v", r.Files)
	}
	if _, b := unitState(t, env, "gateway"); !bytes.Equal(b, before) {
		t.Error("preparing wrote the source state")
	}
	if st, _ := unitState(t, env, "dns"); st != nil {
		t.Error("preparing created the destination state")
	}

	rep, err := s.Run(context.Background(), nil)
	must(t, err)
	if w := rep.Result.Written; len(w) != 2 {
		t.Fatalf("written %+v", w)
	}
	byUnit := map[string]WrittenState{}
	for _, w := range rep.Result.Written {
		byUnit[w.Unit] = w
	}
	if w := byUnit["gateway"]; w.Serial != 43 || w.Backup == "" {
		t.Errorf("gateway written %+v", w)
	}
	if w := byUnit["dns"]; w.Serial != 1 || w.Backup != "" {
		t.Errorf("dns written %+v (nothing to back up)", w)
	}
	if b, err := os.ReadFile(byUnit["gateway"].Backup); err != nil || !bytes.Equal(b, before) {
		t.Errorf("the backup of gateway is not the state replaced: %v", err)
	}
	g, _ := unitState(t, env, "gateway")
	if r, _ := g.Resource("kong_service.apps"); r != nil || g.Serial != 43 || g.Lineage != orig.Lineage || g.Instances() != 15 {
		t.Errorf("gateway after: serial %d, lineage %s, %d instances, kong_service.apps %v", g.Serial, g.Lineage, g.Instances(), r)
	}
	route, _ := g.Resource("kong_route.apps")
	for _, i := range route.Instances {
		if slices.Contains(i.Dependencies, "kong_service.apps") {
			t.Errorf("kong_route.apps[%v] still depends on the moved kong_service.apps: %v", i.IndexKey, i.Dependencies)
		}
	}
	d, _ := unitState(t, env, "dns")
	if d == nil || d.Serial != 1 || d.Lineage != dst.Lineage || d.TerraformVersion != "1.11.4" {
		t.Fatalf("dns after: %+v", d)
	}
	svc, _ := d.Resource("kong_service.apps")
	if svc == nil || len(svc.Instances) != 2 {
		t.Fatalf("kong_service.apps in dns: %+v", svc)
	}
	for _, i := range svc.Instances {
		// heroku_app.apps stayed in gateway: a dependency on it is a
		// dependency block now, not a state entry.
		if i.Dependencies != nil {
			t.Errorf("kong_service.apps[%v] keeps dependencies %v", i.IndexKey, i.Dependencies)
		}
	}
}

// A move within one unit is one state rewritten, verified by one plan
// where the new address is touched and the old one must stay absent.
func TestStateMoveWithinAUnit(t *testing.T) {
	env := fourUnits(t)
	s, err := PrepareStateMove(context.Background(), env, MoveOptions{FromUnit: "gateway", From: "heroku_app.wasabi2", ToUnit: "gateway", To: `heroku_app.apps["wasabi2"]`})
	must(t, err)
	r := s.Report
	if len(r.States) != 1 || r.States[0].Unit != "gateway" || r.States[0].Action != "rewrite" || r.States[0].Resources != 17 {
		t.Errorf("states %+v", r.States)
	}
	if len(r.Verify) != 1 || r.Verify[0].Unit != "gateway" || !slices.Equal(r.Verify[0].Touched, []string{`heroku_app.apps["wasabi2"]`}) ||
		!slices.Equal(r.Verify[0].Absent, []string{"heroku_app.wasabi2"}) {
		t.Errorf("verify %+v", r.Verify)
	}
	_, err = s.Run(context.Background(), nil)
	must(t, err)
	g, _ := unitState(t, env, "gateway")
	if r, _ := g.Resource("heroku_app.wasabi2"); r != nil {
		t.Error("heroku_app.wasabi2 is still in the state")
	}
	if _, i, _ := g.Instance(`heroku_app.apps["wasabi2"]`); i == nil || g.Serial != 43 {
		t.Errorf("heroku_app.apps[\"wasabi2\"] at serial %d: %+v", g.Serial, i)
	}
}

// Where the resource blocks are decides the advice: the block to move,
// the block to remove, or nothing left to do.
func TestStateMoveConfigurationAdvice(t *testing.T) {
	block := "resource \"terraform_data\" \"x\" {}\n"
	for _, c := range []struct {
		name     string
		src, dst bool
		want     string
	}{
		{"block in the source", true, false, "configuration: move the resource block terraform_data.x from live/dev/web/main.tf:1 to the configuration of api (live/dev/api), as terraform_data.y"},
		{"blocks in both", true, true, "configuration: terraform_data.x is still declared in web (live/dev/web/main.tf:1): remove it there, api declares it at live/dev/api/main.tf:2"},
		{"block in the destination", false, true, "configuration: already moved (api declares terraform_data.y at live/dev/api/main.tf:2)"},
	} {
		env := fourUnits(t)
		if c.src {
			must(t, os.WriteFile(filepath.Join(env.st.Root.Dir, "live/dev/web/main.tf"), []byte(block), 0o644))
		}
		if c.dst {
			must(t, os.WriteFile(filepath.Join(env.st.Root.Dir, "live/dev/api/main.tf"), []byte("\n"+strings.Replace(block, `"x"`, `"y"`, 1)), 0o644))
		}
		s, err := PrepareStateMove(context.Background(), env, MoveOptions{FromUnit: "web", From: "terraform_data.x", ToUnit: "api", To: "terraform_data.y"})
		must(t, err)
		if !slices.Equal(s.Report.Notes, []string{c.want}) {
			t.Errorf("%s: notes %q\nwant %q", c.name, s.Report.Notes, c.want)
		}
		// api has a state: it is rewritten, not created.
		if len(s.Report.States) != 2 || s.Report.States[1].Action != "rewrite" || s.Report.States[1].Lineage != "la" || s.Report.States[1].Next != 4 {
			t.Errorf("%s: states %+v", c.name, s.Report.States)
		}
	}
}

// --write-moved writes a removed block where the resource was and an
// import block with its ID where it goes, after what the files held, and
// leaves both states as they are.
func TestStateMoveWriteMoved(t *testing.T) {
	env := fourUnits(t)
	root := env.st.Root.Dir
	kept := "# moved earlier\n"
	must(t, os.WriteFile(filepath.Join(root, "live/dev/web", MovedFile), []byte(kept), 0o644))
	_, webBefore := unitState(t, env, "web")
	s, err := PrepareStateMove(context.Background(), env, MoveOptions{FromUnit: "web", From: "terraform_data.x", ToUnit: "dns", To: "terraform_data.x", WriteMoved: true})
	must(t, err)
	r := s.Report
	if got := strings.Join(r.Files, " "); got != "live/dev/web/stackctl_moved.tf live/dev/dns/stackctl_moved.tf" {
		t.Errorf("files %s", got)
	}
	if r.States != nil || r.Verify != nil {
		t.Errorf("states %+v, verify %+v: --write-moved writes no state", r.States, r.Verify)
	}
	want := "no state is written: the next `stackctl apply dev` forgets terraform_data.x in web (removed block) and imports it into dns (import block); review its plan first, and delete stackctl_moved.tf from both folders after that apply"
	if len(r.Notes) != 2 || r.Notes[1] != want {
		t.Errorf("notes %q", r.Notes)
	}
	if _, err := os.Stat(filepath.Join(root, "live/dev/dns", MovedFile)); !os.IsNotExist(err) {
		t.Errorf("preparing wrote the import block: %v", err)
	}

	_, err = s.Run(context.Background(), nil)
	must(t, err)
	removed, _ := os.ReadFile(filepath.Join(root, "live/dev/web", MovedFile))
	if !strings.HasPrefix(string(removed), kept+"\n") || !strings.Contains(string(removed), "from = terraform_data.x") {
		t.Errorf("web's %s:\n%s", MovedFile, removed)
	}
	imported, _ := os.ReadFile(filepath.Join(root, "live/dev/dns", MovedFile))
	if !strings.Contains(string(imported), "import {") || !strings.Contains(string(imported), `id = "web-1"`) {
		t.Errorf("dns's %s:\n%s", MovedFile, imported)
	}
	if _, b := unitState(t, env, "web"); !bytes.Equal(b, webBefore) {
		t.Error("--write-moved wrote the state of web")
	}
	if st, _ := unitState(t, env, "dns"); st != nil {
		t.Error("--write-moved created the state of dns")
	}
}

// Within one unit --write-moved writes terraform's own rename, a moved
// block: no removed block (it would forget the object the import then
// needs) and no ID, so a resource of several instances moves too, and so
// does one instance.
func TestStateMoveWriteMovedWithinAUnit(t *testing.T) {
	for _, c := range []struct{ from, to string }{
		{"heroku_app.wasabi2", "heroku_app.wasabi3"},
		{"heroku_app.apps", "heroku_app.apps_v2"},
		{`heroku_app.apps["kiwi"]`, `heroku_app.apps["kiwi2"]`},
	} {
		env := fourUnits(t)
		s, err := PrepareStateMove(context.Background(), env, MoveOptions{FromUnit: "gateway", From: c.from, ToUnit: "gateway", To: c.to, WriteMoved: true})
		must(t, err)
		if got := strings.Join(s.Report.Files, " "); got != "live/dev/gateway/stackctl_moved.tf" {
			t.Errorf("%s: files %s", c.from, got)
		}
		if got := s.Report.Notes[len(s.Report.Notes)-1]; !strings.Contains(got, "moves "+c.from+" to "+c.to+" in gateway (moved block)") {
			t.Errorf("%s: note %q", c.from, got)
		}
		_, before := unitState(t, env, "gateway")
		_, err = s.Run(context.Background(), nil)
		must(t, err)
		b, _ := os.ReadFile(filepath.Join(env.st.Root.Dir, "live/dev/gateway", MovedFile))
		want := "moved {\n  from = " + c.from + "\n  to   = " + c.to + "\n}\n"
		if !strings.HasPrefix(string(b), "# Written by stackctl state mv --write-moved: ") || !strings.Contains(string(b), want) || strings.Contains(string(b), "removed") || strings.Contains(string(b), "import") {
			t.Errorf("%s: %s is not one moved block:\n%s", c.from, MovedFile, b)
		}
		if _, after := unitState(t, env, "gateway"); !bytes.Equal(after, before) {
			t.Errorf("%s: --write-moved wrote the state", c.from)
		}
	}
}

// A move into a unit that has a state shows that state's serial, lineage
// and size before the move, not those of an empty one.
func TestStateMoveIntoAnExistingState(t *testing.T) {
	env := fourUnits(t)
	s, err := PrepareStateMove(context.Background(), env, MoveOptions{FromUnit: "gateway", From: "heroku_app.wasabi2", ToUnit: "web", To: "heroku_app.wasabi2"})
	must(t, err)
	if got := s.Report.States[1]; got.Unit != "web" || got.Action != "rewrite" || got.Serial != 3 || got.Next != 4 || got.Lineage != "lw" || got.Resources != 2 {
		t.Errorf("web's state plan: %+v", got)
	}
}

// Twelve addresses are all named; the thirteenth is counted instead.
func TestListAddrs(t *testing.T) {
	for n, want := range map[int]string{0: "no managed resources", 1: "terraform_data.x[0]", 12: "terraform_data.x[11]", 13: "and 1 more (stackctl state list)"} {
		var insts []string
		for i := range n {
			insts = append(insts, fmt.Sprintf(`{"index_key": %d, "schema_version": 0, "attributes": {"id": "i%d"}}`, i, i))
		}
		doc := `{"version": 4, "serial": 1, "lineage": "l", "outputs": {}, "resources": [{"mode": "managed", "type": "terraform_data", "name": "x", "provider": "p", "instances": [` + strings.Join(insts, ",") + `]}]}`
		st, err := state.Parse([]byte(doc))
		must(t, err)
		got := listAddrs(st)
		if !strings.HasSuffix(got, want) || strings.Contains(got, "0 more") {
			t.Errorf("%d instances: %q, want it to end in %q", n, got, want)
		}
		if parts := strings.Split(got, ", "); n > 0 && len(parts) != min(n, 13) {
			t.Errorf("%d instances: %d parts in %q", n, len(parts), got)
		}
	}
}
