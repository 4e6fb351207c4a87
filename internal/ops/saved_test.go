package ops

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

func appUnit(t *testing.T) *config.Unit {
	t.Helper()
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":          "project = \"p\"\nlive_dir = \"live\"\n",
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/net/unit.hcl": "",
		"live/dev/app/unit.hcl": `
dependency "net" {
  path = "../net"
}
inputs = { vpc = dependency.net.outputs.vpc_id }
`,
	})
	st, diags := config.NewLoader(config.Options{Dir: dir}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return st.Unit("app")
}

// A saved plan is stale when an output its inputs read changed, not when
// the dependency gained or changed another output.
func TestStaleOutputs(t *testing.T) {
	u := appUnit(t)
	outs := func(kv ...string) map[string]config.DependencyOutputs {
		vals := map[string]cty.Value{}
		for i := 0; i < len(kv); i += 2 {
			vals[kv[i]] = cty.StringVal(kv[i+1])
		}
		return map[string]config.DependencyOutputs{"net": {Values: vals, From: "the state of net"}}
	}
	was := dependencyUses(u, outs("vpc_id", "vpc-1", "zone", "z1"))
	if len(was) != 1 || was[0].Unit != "net" || len(was[0].Outputs) != 1 || was[0].Mock {
		t.Fatalf("uses = %+v", was)
	}
	if s := StaleOutputs(was, dependencyUses(u, outs("vpc_id", "vpc-1", "zone", "z2", "new", "x"))); len(s) != 0 {
		t.Errorf("an output the unit does not read made the plan stale: %v", s)
	}
	if s := StaleOutputs(was, dependencyUses(u, outs("vpc_id", "vpc-2"))); !reflect.DeepEqual(s, []string{"net.vpc_id"}) {
		t.Errorf("changed vpc_id: %v", s)
	}
	if s := StaleOutputs(was, dependencyUses(u, outs("zone", "z1"))); !reflect.DeepEqual(s, []string{"net.vpc_id"}) {
		t.Errorf("removed vpc_id: %v", s)
	}
	// A secret is hashed, never kept.
	secret := map[string]config.DependencyOutputs{"net": {Values: map[string]cty.Value{"vpc_id": cty.StringVal("hunter2").Mark(config.Sensitive)}}}
	for _, h := range dependencyUses(u, secret)[0].Outputs {
		if strings.Contains(h, "hunter2") || len(h) != 64 {
			t.Errorf("hash %q", h)
		}
	}
	mock := map[string]config.DependencyOutputs{"net": {Values: map[string]cty.Value{"vpc_id": cty.StringVal("vpc-1")}, From: "mock_outputs"}}
	if !dependencyUses(u, mock)[0].Mock {
		t.Error("mock outputs not marked")
	}
}

func TestStateReasons(t *testing.T) {
	at := func(serial uint64, lineage string) StateRef {
		return StateRef{Exists: true, Serial: serial, Lineage: lineage}
	}
	cases := []struct {
		was, now StateRef
		want     string
	}{
		{at(3, "L"), at(3, "L"), ""},
		{at(3, "L"), at(4, "L"), "serial 3, now 4"},
		{at(3, "L"), at(3, "M"), "lineage L, now M"},
		{StateRef{}, at(1, "L"), "created since"},
		{at(3, "L"), StateRef{}, "gone"},
		{StateRef{}, StateRef{}, ""},
	}
	for _, c := range cases {
		got := strings.Join(stateReasons(c.was, c.now), "; ")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%+v → %+v: %q, want %q", c.was, c.now, got, c.want)
		}
	}
}

// A folder of saved plans is emptied before a new plan --out (an old plan
// must not be applied beside new ones); any other folder is refused. Files
// are 0600, folders 0700.
func TestPlanFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "plans")
	if err := PrepareOut(dir); err != nil {
		t.Fatal(err)
	}
	if err := writeJSON0600(filepath.Join(dir, "old", PlanManifestName), Manifest{Unit: "old", Env: "dev"}); err != nil {
		t.Fatal(err)
	}
	set := &PlanSet{Env: "dev", Units: []string{"old"}}
	if err := set.WriteIndex(dir); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPlanSet(dir)
	if err != nil || got.Manifest("old") == nil || got.Manifest("new") != nil {
		t.Fatalf("ReadPlanSet = %+v, %v", got, err)
	}
	for _, p := range []string{dir, filepath.Join(dir, "old"), filepath.Join(dir, PlanIndexFile)} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if info.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, info.Mode().Perm(), want)
		}
	}
	if err := PrepareOut(dir); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("old plans left: %v", entries)
	}
	if _, err := ReadPlanSet(dir); err == nil || !strings.Contains(err.Error(), "holds no saved plans") {
		t.Errorf("a folder without an index: %v", err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PrepareOut(other); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("PrepareOut of a folder of other files: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, "notes.txt")); err != nil {
		t.Error("PrepareOut removed a file that is not a plan")
	}
}
