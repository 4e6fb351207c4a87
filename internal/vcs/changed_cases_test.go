package vcs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/testutil"
)

// TestChangedSinceDeletedUnit: a unit removed on the branch is reported
// apart, with what destroying it needs, and its folder is readable at the
// merge base; its files select no other unit.
func TestChangedSinceDeletedUnit(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.git("rm", "-q", "-r", "infra/live/dev/old")
	r.commitAll("remove old")
	sel := r.selection("dev", "main")
	if len(sel.Units) != 0 || len(sel.Unmatched) != 0 {
		t.Fatalf("a deletion selected units %v, unmatched %v", reasons(sel), sel.Unmatched)
	}
	want := []DeletedUnit{{Env: "dev", Path: "old", File: "infra/live/dev/old/unit.hcl", MergeBase: r.git("rev-parse", "main")}}
	if !slices.Equal(sel.Deleted, want) {
		t.Fatalf("deleted = %+v, want %+v", sel.Deleted, want)
	}

	ch, err := Diff(context.Background(), Options{Dir: r.dir, Ref: "main", Environ: r.env})
	if err != nil {
		t.Fatal(err)
	}
	co := filepath.Join(t.TempDir(), "base")
	if err := ch.Checkout(context.Background(), co); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(co, "infra/live/dev/old/unit.hcl")); err != nil {
		t.Fatalf("the checkout at the merge base lacks the deleted unit: %v", err)
	}
	if err := ch.RemoveCheckout(context.Background(), co); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(co); !os.IsNotExist(err) {
		t.Fatalf("checkout still there: %v", err)
	}

	// Deleted without committing counts too; a unit moved elsewhere is a
	// deleted unit and a new one.
	r2 := newRepo(t)
	if err := os.Rename(filepath.Join(r2.dir, "infra/live/dev/old"), filepath.Join(r2.dir, "infra/live/dev/renamed")); err != nil {
		t.Fatal(err)
	}
	sel = r2.selection("dev", "main")
	if len(sel.Deleted) != 1 || sel.Deleted[0].Path != "old" {
		t.Fatalf("deleted = %+v, want old", sel.Deleted)
	}
	if got := reasons(sel); !equalReasons(got, map[string][]string{"renamed": {"infra/live/dev/renamed/extra.tf untracked", "infra/live/dev/renamed/unit.hcl untracked"}}) {
		t.Fatalf("selected %s", format(got))
	}
}

// TestChangedSinceMergeBase: what changed on main after the branch left it
// is not the branch's change.
func TestChangedSinceMergeBase(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("infra/live/dev/solo/main.tf", "resource \"terraform_data\" \"s3\" {}\n")
	r.commitAll("solo on the branch")
	r.git("checkout", "-q", "main")
	r.write("infra/live/dev/network/unit.hcl", "source = \"../../../modules/shared\"\n# on main\n")
	r.commitAll("network on main")
	r.git("checkout", "-q", "feature")
	got := reasons(r.selection("dev", "main"))
	if !equalReasons(got, map[string][]string{"solo": {"infra/live/dev/solo/main.tf modified"}}) {
		t.Fatalf("selected %s", format(got))
	}
}

// TestChangedSinceExtraFiles: a file a unit declares it reads (an included
// shared unit file) selects it, and is then not unmatched.
func TestChangedSinceExtraFiles(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("infra/live/dev/_shared/db.hcl", "x = 1\n")
	l := config.NewLoader(config.Options{Dir: r.dir})
	st, diags := l.Load("dev")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	g, _ := graph.FromStack(st)
	sel, err := ChangedSince(context.Background(), Options{Dir: r.dir, Ref: "main", Environ: r.env},
		Scope{Stack: st, Graph: g, ExtraFiles: map[string][]string{"database": {filepath.Join(r.dir, "infra/live/dev/_shared")}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"database": {"infra/live/dev/_shared/db.hcl untracked"},
		"app":      {"depends on database"},
		"edge":     {"depends on database (through app)"},
	}
	if got := reasons(sel); !equalReasons(got, want) || len(sel.Unmatched) != 0 {
		t.Fatalf("selected %s, unmatched %v", format(got), sel.Unmatched)
	}
}

// TestChangedSinceUnmatched: changed files in the environment's folder
// that no unit owns are returned for a warning.
func TestChangedSinceUnmatched(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("infra/live/dev/common/vars.yaml", "a: 1\n")
	sel := r.selection("dev", "main")
	if len(sel.Unmatched) != 1 || sel.Unmatched[0] != (ChangedFile{Path: "infra/live/dev/common/vars.yaml", Status: Untracked}) {
		t.Fatalf("unmatched = %v", sel.Unmatched)
	}
}

func TestChangedSinceErrors(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	_, err := r.trySelection("dev", "origin/nope")
	if !errors.Is(err, ErrUnknownRef) || !strings.Contains(err.Error(), `"origin/nope"`) || !strings.Contains(err.Error(), "git fetch origin nope") || !strings.Contains(err.Error(), "fetch-depth: 0") ||
		!strings.Contains(err.Error(), "Fetch it first (git fetch origin nope;") || strings.Contains(err.Error(), "shallow") {
		t.Fatalf("unknown ref: %v", err)
	}
	_, err = r.trySelection("dev", "--output=/tmp/x")
	if !errors.Is(err, ErrUnknownRef) {
		t.Fatalf("an option as a ref: %v", err)
	}

	// Unrelated history: no merge base.
	r.git("checkout", "-q", "--orphan", "other")
	r.commitAll("unrelated")
	r.git("checkout", "-q", "feature")
	if _, err := r.trySelection("dev", "other"); !errors.Is(err, ErrNoMergeBase) {
		t.Fatalf("unrelated history: %v", err)
	}

	// A shallow clone says so.
	shallow := filepath.Join(t.TempDir(), "shallow")
	r.git("checkout", "-q", "main")
	r.write("x.txt", "1")
	r.commitAll("one more")
	r.git("clone", "-q", "--depth", "1", "file://"+r.dir, shallow)
	if _, err := Diff(context.Background(), Options{Dir: shallow, Ref: "HEAD~1", Environ: r.env}); err == nil || !strings.Contains(err.Error(), "This clone is shallow: fetch the history (git fetch --unshallow") {
		t.Fatalf("shallow clone: %v", err)
	}

	// No repository at all.
	plain := testutil.WriteTree(t, map[string]string{"stackctl.hcl": "project = \"p\"\n"})
	_, err = Diff(context.Background(), Options{Dir: plain, Ref: "main", Environ: append(r.env, "GIT_CEILING_DIRECTORIES="+filepath.Dir(plain))})
	if !errors.Is(err, ErrNotRepository) || !strings.Contains(err.Error(), "not inside a git repository") {
		t.Fatalf("no repository: %v", err)
	}

	// No git binary.
	_, err = Diff(context.Background(), Options{Dir: r.dir, Ref: "main", Git: filepath.Join(t.TempDir(), "no-git")})
	if !errors.Is(err, ErrNoGit) || !strings.Contains(err.Error(), "install git") {
		t.Fatalf("no git: %v", err)
	}
}
