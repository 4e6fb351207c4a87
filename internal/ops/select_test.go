package ops

import (
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

// Touched is what a run over a selection reads: the selected units, and
// the dependencies whose state they read, each once, in order.
func TestTouchedAddsDependenciesOnce(t *testing.T) {
	e := secretsTree(t)
	var got []string
	for _, u := range e.Touched(map[string]bool{"app": true}) {
		got = append(got, u.Path)
	}
	if want := []string{"app", "net"}; !slices.Equal(got, want) {
		t.Errorf("Touched(app) = %q, want %q", got, want)
	}
	got = nil
	for _, u := range e.Touched(map[string]bool{"app": true, "net": true, "lone": true}) {
		got = append(got, u.Path)
	}
	slices.Sort(got)
	if want := []string{"app", "lone", "net"}; !slices.Equal(got, want) {
		t.Errorf("Touched(all) = %q, want each unit once: %q", got, want)
	}
}

// A destroy that reaches a prevent_destroy unit is refused, naming every
// such unit and where it is set; units without it pass.
func TestRefusePreventDestroy(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":      "project = \"ops\"\nlive_dir = \"live\"\n",
		"modules/m/main.tf": "",
		"live/dev/env.hcl":  "vars = {}\n",
		"live/dev/db/unit.hcl": "source = \"../../../modules/m\"\n" +
			"prevent_destroy = true\n",
		"live/dev/vault/unit.hcl": "source = \"../../../modules/m\"\nprevent_destroy = true\n",
		"live/dev/web/unit.hcl":   "source = \"../../../modules/m\"\nprevent_destroy = false\n",
	})
	e, err := Load(Options{Dir: dir, Env: "dev", Getenv: func(string) (string, bool) { return "", false }, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.refusePreventDestroy([]string{"web"}); err != nil {
		t.Errorf("web has prevent_destroy = false: %v", err)
	}
	err = e.refusePreventDestroy([]string{"web", "db", "vault"})
	if err == nil {
		t.Fatal("destroy of db and vault not refused")
	}
	for _, want := range []string{"db (prevent_destroy at live/dev/db/unit.hcl:2", "vault (prevent_destroy at live/dev/vault/unit.hcl:2", "--unit"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "web") {
		t.Errorf("refusal names web, which allows destroy: %v", err)
	}
}

func TestWithoutEnv(t *testing.T) {
	got := withoutEnv([]string{"A=1", "AWS_PROFILE=x", "B=2=3", "AWS_PROFILEX=y"}, "AWS_PROFILE", "C")
	if want := []string{"A=1", "B=2=3", "AWS_PROFILEX=y"}; !slices.Equal(got, want) {
		t.Errorf("withoutEnv = %q, want %q", got, want)
	}
}
