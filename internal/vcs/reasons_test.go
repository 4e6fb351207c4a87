package vcs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/graph"
)

// A file in a unit's own folder that it also declares it reads gives it
// both reasons.
func TestChangedSinceExtraFileInTheUnit(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("infra/live/dev/database/extra.json", "{}\n")
	st, diags := config.NewLoader(config.Options{Dir: r.dir}).Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	g, _ := graph.FromStack(st)
	sel, err := ChangedSince(context.Background(), Options{Dir: r.dir, Ref: "main", Environ: r.env},
		Scope{Stack: st, Graph: g, ExtraFiles: map[string][]string{"database": {filepath.Join(r.dir, "infra/live/dev/database/extra.json")}}})
	if err != nil {
		t.Fatal(err)
	}
	u := sel.Unit("database")
	if u == nil || len(u.Reasons) != 2 || u.Reasons[0].Kind != ReasonFile || u.Reasons[1].Kind != ReasonUnit {
		t.Fatalf("database: %+v", u)
	}
}

// Paths are compared as git prints them, below the top level with its
// symbolic links resolved, as far as the path exists.
func TestRealPathResolvesLinks(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "real", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		filepath.Join(dir, "link", "x"):              filepath.Join(dir, "real", "x"),
		filepath.Join(dir, "link", "x", "gone", "f"): filepath.Join(dir, "real", "x", "gone", "f"),
		filepath.Join(dir, "link", "..", "link"):     filepath.Join(dir, "real"),
		"/no/such/folder":                            "/no/such/folder",
	} {
		if got := realPath(in); got != want {
			t.Errorf("realPath(%s) = %s, want %s", in, got, want)
		}
	}
}
