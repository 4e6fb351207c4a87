package surgery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An errored.tfstate terraform left in a unit's working folder is moved
// out at once (0600), listed per unit oldest first, and shown by state
// list beside the unit's objects.
func TestKeepAndListErrored(t *testing.T) {
	env := fourUnits(t)
	root := env.st.Root.Dir
	work := t.TempDir()
	if p, err := KeepErrored(work, root, "dev", "web"); p != "" || err != nil {
		t.Fatalf("no errored state: %q %v", p, err)
	}
	keep := func(unit, serial string) string {
		doc := strings.NewReplacer("LINEAGE", "l-"+unit, "VALUE", unit, `"serial": 3`, `"serial": `+serial).Replace(stateDoc)
		must(t, os.WriteFile(filepath.Join(work, ErroredFile), []byte(doc), 0o644))
		p, err := KeepErrored(work, root, "dev", unit)
		must(t, err)
		if _, err := os.Stat(filepath.Join(work, ErroredFile)); !os.IsNotExist(err) {
			t.Fatalf("errored.tfstate is left in the working folder: %v", err)
		}
		info, err := os.Stat(p)
		must(t, err)
		if info.Mode().Perm() != 0o600 || filepath.Dir(p) != ErroredDir(root, "dev", unit) {
			t.Errorf("kept as %s, mode %v", p, info.Mode().Perm())
		}
		return p
	}
	w1 := keep("web", "8")
	time.Sleep(time.Millisecond)
	w2 := keep("web", "9")
	g := keep("gateway", "4")
	must(t, os.WriteFile(filepath.Join(ErroredDir(root, "dev", "web"), ".x.tfstate.tmp-1.tfstate"), []byte("{"), 0o600))
	must(t, os.WriteFile(filepath.Join(ErroredDir(root, "dev", "web"), "notes.txt"), []byte("x"), 0o600))

	all, err := ListErrored(root, "dev", nil)
	must(t, err)
	var got []string
	for _, e := range all {
		got = append(got, fmt.Sprintf("%s:%s:%d:%s:%d", e.Unit, filepath.Base(e.Path), e.Serial, e.Lineage, e.Resources))
		if e.Kept.IsZero() || time.Since(e.Kept) > time.Hour {
			t.Errorf("%s: kept at %v", e.Path, e.Kept)
		}
	}
	want := []string{"gateway:" + filepath.Base(g) + ":4:l-gateway:1", "web:" + filepath.Base(w1) + ":8:l-web:1", "web:" + filepath.Base(w2) + ":9:l-web:1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	some, err := ListErrored(root, "dev", []string{"web"})
	must(t, err)
	if len(some) != 2 || some[0].Path != w1 || some[1].Path != w2 {
		t.Errorf("web's: %+v", some)
	}
	if none, err := ListErrored(root, "prod", nil); err != nil || none != nil {
		t.Errorf("another environment: %v %v", none, err)
	}

	list, err := List(context.Background(), &someUnits{env, []string{"web", "dns"}})
	must(t, err)
	if len(list) != 2 || !list[0].Exists || list[0].Serial != 3 || list[0].Lineage != "lw" || len(list[0].Errored) != 2 || list[1].Exists || len(list[1].Errored) != 0 {
		t.Fatalf("list %+v", list)
	}
	if o := list[0].Objects; len(o) != 1 || o[0] != (ListedObject{Address: "terraform_data.x", ID: "web-1"}) {
		t.Errorf("objects %+v", o)
	}
	if list[1].Objects == nil || len(list[1].Objects) != 0 {
		t.Errorf("a unit without state lists no object: %#v", list[1].Objects)
	}
	must(t, donePushed(some[0]))
	if _, err := os.Stat(filepath.Join(filepath.Dir(w1), "pushed", filepath.Base(w1))); err != nil {
		t.Errorf("the pushed state is not kept aside: %v", err)
	}
	if left, _ := ListErrored(root, "dev", []string{"web"}); len(left) != 1 || left[0].Path != w2 {
		t.Errorf("after pushing %s: %+v", w1, left)
	}
}

// state list shows tainted and deposed objects as such; state backups
// lists a unit's backups, none as an empty list.
func TestListObjectsAndBackups(t *testing.T) {
	env := fourUnits(t)
	path := filepath.Join(env.st.Root.Dir, ".stackctl", "state", "dev", "api", "terraform.tfstate")
	doc, err := os.ReadFile(path)
	must(t, err)
	doc = []byte(strings.Replace(string(doc), `"schema_version": 0,`, `"schema_version": 0, "status": "tainted",`, 1))
	doc = []byte(strings.Replace(string(doc), `"instances": [`, `"instances": [{"schema_version": 0, "deposed": "00aa", "attributes": {"id": 7}},`, 1))
	must(t, os.WriteFile(path, doc, 0o600))
	list, err := List(context.Background(), &someUnits{env, []string{"api"}})
	must(t, err)
	if o := list[0].Objects; len(o) != 2 || o[0] != (ListedObject{Address: "terraform_data.x", ID: "api-1", Tainted: true}) || o[1] != (ListedObject{Address: "terraform_data.x", Deposed: "00aa"}) {
		t.Errorf("objects %+v", o)
	}
	s, err := PrepareRenameApp(context.Background(), &someUnits{env, []string{"api"}}, RenameOptions{From: "wasabi", To: "wasabi-v2"})
	must(t, err)
	_, err = s.Run(context.Background(), nil)
	must(t, err)
	bks, err := Backups(context.Background(), &someUnits{env, []string{"api", "web"}})
	must(t, err)
	if len(bks) != 2 || len(bks[0].Backups) != 1 || bks[0].Backups[0].Serial != 3 || bks[0].Backups[0].Operation != "stackctl rename-app" || bks[1].Backups == nil || len(bks[1].Backups) != 0 {
		t.Errorf("backups %+v", bks)
	}
	if !strings.HasSuffix(bks[1].Dir, filepath.Join("backups", "dev", "web")) {
		t.Errorf("web's backups are in %s", bks[1].Dir)
	}
}
