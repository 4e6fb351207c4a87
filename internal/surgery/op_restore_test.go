package surgery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// webDoc is web's state of fourUnits at another serial, holding another
// ID: what a backup or an errored state of it holds.
func webDoc(lineage, serial, id string) []byte {
	return []byte(strings.NewReplacer("LINEAGE", lineage, "VALUE", id, `"serial": 3`, `"serial": `+serial).Replace(stateDoc))
}

// keepBackup saves doc as a backup of unit, the way state.Write does
// before it replaces a state.
func keepBackup(t *testing.T, env *testEnv, unit string, doc []byte, meta state.Backup) *state.Backup {
	t.Helper()
	_, bk, err := env.OpenStore(context.Background(), env.st.Unit(unit))
	must(t, err)
	b, err := bk.Save(doc, meta)
	must(t, err)
	return b
}

func TestPrepareRestoreRefusals(t *testing.T) {
	env := fourUnits(t)
	ctx := context.Background()
	if _, err := PrepareRestore(ctx, env, RestoreOptions{Unit: "nope", Backup: "latest"}); err == nil || !strings.HasPrefix(err.Error(), `environment dev has no unit "nope"`) {
		t.Errorf("unknown unit: %v", err)
	}
	dir := filepath.Join(env.st.Root.Dir, ".stackctl", "backups", "dev", "web")
	if _, err := PrepareRestore(ctx, env, RestoreOptions{Unit: "web", Backup: "latest"}); err == nil || err.Error() != "web has no backups ("+dir+")" {
		t.Errorf("no backups: %v", err)
	}
	b := keepBackup(t, env, "web", webDoc("lw", "2", "web-0"), state.Backup{Serial: 2, Lineage: "lw"})
	_, err := PrepareRestore(ctx, env, RestoreOptions{Unit: "web", Backup: "20000101T000000.000000000Z-serial-1.tfstate"})
	if want := `web has no backup "20000101T000000.000000000Z-serial-1.tfstate"; its backups (stackctl state backups dev --unit web): ` + b.Name; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	other := keepBackup(t, env, "web", webDoc("lz", "7", "web-9"), state.Backup{Serial: 7, Lineage: "lz"})
	_, err = PrepareRestore(ctx, env, RestoreOptions{Unit: "web", Backup: "latest"})
	if want := "backup " + other.Name + " is of lineage lz and the state of web of lineage lw: it is another state"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got  %v\nwant %s...", err, want)
	}
}

// A backup is written over the current state at the next serial (the
// backup's own serial is older), the replaced state backed up first, and
// verified by a plan that keeps every instance the backup holds.
func TestRestoreABackup(t *testing.T) {
	env := fourUnits(t)
	path := config.LocalStatePath(env.st.Root.Dir, "dev", "web")
	cur := webDoc("lw", "5", "web-5")
	must(t, os.WriteFile(path, cur, 0o600))
	old := keepBackup(t, env, "web", webDoc("lw", "2", "web-2"), state.Backup{Serial: 2, Lineage: "lw"})
	keepBackup(t, env, "web", webDoc("lw", "3", "web-3"), state.Backup{Serial: 3, Lineage: "lw", VersionID: "v3"})

	// The newest is the one with the S3 version.
	s, err := PrepareRestore(context.Background(), env, RestoreOptions{Unit: "web", Backup: "latest"})
	must(t, err)
	if n := s.Report.Notes; len(n) != 1 || !strings.HasPrefix(n[0], "restores ") || !strings.HasSuffix(n[0], "Z, S3 version v3)") || !strings.Contains(n[0], "-serial-3.tfstate (serial 3, kept ") {
		t.Errorf("notes of the latest %q", n)
	}

	s, err = PrepareRestore(context.Background(), env, RestoreOptions{Unit: "web", Backup: old.Name})
	must(t, err)
	r := s.Report
	if r.Operation != "state restore" || len(r.States) != 1 {
		t.Fatalf("report %+v", r)
	}
	if sp := r.States[0]; sp.Unit != "web" || sp.Action != "restore" || sp.Where != path || sp.Serial != 5 || sp.Next != 6 || sp.Lineage != "lw" || sp.Resources != 1 {
		t.Errorf("state %+v", sp)
	}
	want := "restores " + old.Name + " (serial 2, kept " + old.Created.Format("2006-01-02 15:04:05Z") + ")"
	if !slices.Equal(r.Notes, []string{want}) {
		t.Errorf("notes %q\nwant %q", r.Notes, want)
	}
	if len(r.Verify) != 1 || r.Verify[0].Unit != "web" || !slices.Equal(r.Verify[0].Touched, []string{"terraform_data.x"}) || r.Verify[0].NoOp {
		t.Errorf("verify %+v", r.Verify)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, cur) {
		t.Fatal("preparing wrote the state")
	}

	rep, err := s.Run(context.Background(), nil)
	must(t, err)
	if w := rep.Result.Written; len(w) != 1 || w[0].Serial != 6 || w[0].Backup == "" {
		t.Fatalf("written %+v", w)
	}
	if b, err := os.ReadFile(rep.Result.Written[0].Backup); err != nil || !bytes.Equal(b, cur) {
		t.Errorf("the replaced state is not backed up: %v", err)
	}
	st, _ := unitState(t, env, "web")
	_, i, _ := st.Instance("terraform_data.x")
	if id, _ := i.Attribute("id"); st.Serial != 6 || st.Lineage != "lw" || id != "web-2" {
		t.Errorf("restored: serial %d, lineage %s, id %v", st.Serial, st.Lineage, id)
	}
}

// A unit whose state is gone gets its backup back as it was, at the
// serial after the backup's.
func TestRestoreWhereThereIsNoState(t *testing.T) {
	env := fourUnits(t)
	b := keepBackup(t, env, "dns", webDoc("ld", "8", "dns-8"), state.Backup{Serial: 8, Lineage: "ld"})
	s, err := PrepareRestore(context.Background(), env, RestoreOptions{Unit: "dns", Backup: b.Name})
	must(t, err)
	if sp := s.Report.States[0]; sp.Serial != 0 || sp.Next != 9 || sp.Lineage != "ld" {
		t.Errorf("state %+v", sp)
	}
	_, err = s.Run(context.Background(), nil)
	must(t, err)
	if st, _ := unitState(t, env, "dns"); st == nil || st.Serial != 9 || st.Lineage != "ld" {
		t.Errorf("restored %+v", st)
	}
}

// keepErrored leaves doc where terraform leaves a state it could not
// save, and lets the engine keep it.
func keepErrored(t *testing.T, env *testEnv, unit string, doc []byte) string {
	t.Helper()
	work := t.TempDir()
	must(t, os.WriteFile(filepath.Join(work, ErroredFile), doc, 0o644))
	p, err := KeepErrored(work, env.st.Root.Dir, "dev", unit)
	must(t, err)
	return p
}

func TestPreparePushErroredRefusals(t *testing.T) {
	env := fourUnits(t)
	ctx := context.Background()
	root := env.st.Root.Dir
	if _, err := PreparePushErrored(ctx, env, PushOptions{Unit: "nope"}); err == nil || !strings.HasPrefix(err.Error(), `environment dev has no unit "nope"`) {
		t.Errorf("unknown unit: %v", err)
	}
	if _, err := PreparePushErrored(ctx, env, PushOptions{Unit: "web"}); err == nil || err.Error() != "no errored state is kept for web (.stackctl/errored/dev/web): nothing to push" {
		t.Errorf("none kept: %v", err)
	}
	stale := keepErrored(t, env, "web", webDoc("lw", "2", "web-2"))
	if _, err := PreparePushErrored(ctx, env, PushOptions{Unit: "web", File: "other.tfstate"}); err == nil ||
		err.Error() != "other.tfstate is not an errored state kept for web ("+ErroredDir(root, "dev", "web")+")" {
		t.Errorf("not kept: %v", err)
	}
	_, err := PreparePushErrored(ctx, env, PushOptions{Unit: "web", File: filepath.Base(stale)})
	if want := "the state of web is at serial 3, newer than the errored state's 2: someone applied since terraform failed to save it; nothing was pushed"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("older: got %v\nwant %s...", err, want)
	}
	foreign := filepath.Join(ErroredDir(root, "dev", "web"), "20000101T000000.000000000Z.tfstate")
	must(t, os.WriteFile(foreign, webDoc("lz", "4", "web-4"), 0o600))
	_, err = PreparePushErrored(ctx, env, PushOptions{Unit: "web", File: foreign})
	if want := "the errored state " + relTo(root, foreign) + " is of lineage lz, the state of web of lineage lw: it belongs to another state; nothing was pushed"; err == nil || err.Error() != want {
		t.Errorf("another lineage: got %v\nwant %s", err, want)
	}
	if st, _ := unitState(t, env, "web"); st.Serial != 3 {
		t.Errorf("a refused push wrote serial %d", st.Serial)
	}
	if kept, _ := ListErrored(root, "dev", []string{"web"}); len(kept) != 2 {
		t.Errorf("a refused push put the errored states aside: %+v", kept)
	}
}

// An errored state the store holds already (a run killed after the push)
// is nothing to do, and is put aside then.
func TestPushErroredPushedBefore(t *testing.T) {
	env := fourUnits(t)
	_, cur := unitState(t, env, "web")
	p := keepErrored(t, env, "web", cur)
	_, err := PreparePushErrored(context.Background(), env, PushOptions{Unit: "web"})
	if !errors.Is(err, ErrNothingToDo) || !strings.Contains(err.Error(), "is what the state of web holds already (serial 3): it was pushed before, and is now put aside") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(p), "pushed", filepath.Base(p))); err != nil {
		t.Errorf("not put aside: %v", err)
	}
}

// The newest errored state is pushed over the stored one (same lineage,
// not older), backed up first, verified, and put aside once pushed; the
// older one stays.
func TestPushErrored(t *testing.T) {
	env := fourUnits(t)
	root := env.st.Root.Dir
	_, cur := unitState(t, env, "web")
	dir := ErroredDir(root, "dev", "web")
	must(t, os.MkdirAll(dir, 0o700))
	older := filepath.Join(dir, "20000101T000000.000000000Z.tfstate")
	must(t, os.WriteFile(older, webDoc("lw", "3", "web-3"), 0o600))
	newest := keepErrored(t, env, "web", webDoc("lw", "4", "web-4"))

	s, err := PreparePushErrored(context.Background(), env, PushOptions{Unit: "web"})
	must(t, err)
	r := s.Report
	if r.Operation != "state push-errored" || len(r.States) != 1 {
		t.Fatalf("report %+v", r)
	}
	if sp := r.States[0]; sp.Unit != "web" || sp.Action != "push" || sp.Serial != 3 || sp.Next != 5 || sp.Lineage != "lw" || sp.Resources != 1 {
		t.Errorf("state %+v", sp)
	}
	want := "pushes " + relTo(root, newest) + " (serial 4, 1 resource instance(s)), which terraform wrote when it could not save the state"
	if !slices.Equal(r.Notes, []string{want}) {
		t.Errorf("notes %q\nwant %q", r.Notes, want)
	}
	if len(r.Verify) != 1 || r.Verify[0].Unit != "web" || !slices.Equal(r.Verify[0].Touched, []string{"terraform_data.x"}) {
		t.Errorf("verify %+v", r.Verify)
	}
	if _, b := unitState(t, env, "web"); !bytes.Equal(b, cur) {
		t.Fatal("preparing wrote the state")
	}
	if _, err := os.Stat(newest); err != nil {
		t.Fatalf("preparing put the errored state aside: %v", err)
	}

	rep, err := s.Run(context.Background(), nil)
	must(t, err)
	if w := rep.Result.Written; len(w) != 1 || w[0].Serial != 5 || w[0].Backup == "" {
		t.Fatalf("written %+v", w)
	}
	if b, err := os.ReadFile(rep.Result.Written[0].Backup); err != nil || !bytes.Equal(b, cur) {
		t.Errorf("the replaced state is not backed up: %v", err)
	}
	st, _ := unitState(t, env, "web")
	_, i, _ := st.Instance("terraform_data.x")
	if id, _ := i.Attribute("id"); st.Serial != 5 || st.Lineage != "lw" || id != "web-4" {
		t.Errorf("pushed: serial %d, lineage %s, id %v", st.Serial, st.Lineage, id)
	}
	if _, err := os.Stat(filepath.Join(dir, "pushed", filepath.Base(newest))); err != nil {
		t.Errorf("the pushed state is not put aside: %v", err)
	}
	if kept, _ := ListErrored(root, "dev", []string{"web"}); len(kept) != 1 || kept[0].Path != older {
		t.Errorf("kept after the push: %+v", kept)
	}
}

// An errored state of a unit with no stored state is pushed as it is,
// at the serial after its own.
func TestPushErroredWhereThereIsNoState(t *testing.T) {
	env := fourUnits(t)
	p := keepErrored(t, env, "dns", webDoc("ld", "1", "dns-1"))
	s, err := PreparePushErrored(context.Background(), env, PushOptions{Unit: "dns", File: p})
	must(t, err)
	if sp := s.Report.States[0]; sp.Serial != 0 || sp.Next != 2 || sp.Lineage != "ld" {
		t.Errorf("state %+v", sp)
	}
	_, err = s.Run(context.Background(), nil)
	must(t, err)
	if st, _ := unitState(t, env, "dns"); st == nil || st.Serial != 2 || st.Lineage != "ld" {
		t.Errorf("pushed %+v", st)
	}
}

// The push is done when the errored state cannot be put aside: Run says
// so, and what to do, instead of claiming success.
func TestPushErroredThatCannotBePutAside(t *testing.T) {
	env := fourUnits(t)
	p := keepErrored(t, env, "web", webDoc("lw", "4", "web-4"))
	// A file where the pushed/ folder goes.
	must(t, os.WriteFile(filepath.Join(filepath.Dir(p), "pushed"), nil, 0o600))
	s, err := PreparePushErrored(context.Background(), env, PushOptions{Unit: "web"})
	must(t, err)
	_, err = s.Run(context.Background(), nil)
	want := "the state of web was pushed and verified, but " + relTo(env.st.Root.Dir, p) + " could not be put aside ("
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "): move it into pushed/ beside it, or state push-errored offers it again") {
		t.Fatalf("got %v\nwant %s…", err, want)
	}
	if st, _ := unitState(t, env, "web"); st.Serial != 5 {
		t.Errorf("the state was not pushed: serial %d", st.Serial)
	}
}

// An errored state at the stored serial is not older: terraform can fail
// to save before it moves the serial on. It is pushed at the next one.
func TestPushErroredAtTheStoredSerial(t *testing.T) {
	env := fourUnits(t)
	keepErrored(t, env, "web", webDoc("lw", "3", "web-changed"))
	s, err := PreparePushErrored(context.Background(), env, PushOptions{Unit: "web"})
	must(t, err)
	if sp := s.Report.States[0]; sp.Serial != 3 || sp.Next != 4 {
		t.Errorf("state %+v", sp)
	}
	_, err = s.Run(context.Background(), nil)
	must(t, err)
	st, _ := unitState(t, env, "web")
	_, i, _ := st.Instance("terraform_data.x")
	if id, _ := i.Attribute("id"); st.Serial != 4 || id != "web-changed" {
		t.Errorf("pushed: serial %d, id %v", st.Serial, id)
	}
}
