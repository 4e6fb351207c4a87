package vcs

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/graph"
	"github.com/stackctl/stackctl/internal/testutil"
)

// The tree: network ← database ← app ← edge (each depends on the one
// before), solo alone, old to be deleted. network and edge share the
// module "shared"; app's module (copied with the whole modules folder,
// "//app") calls "common"; database uses "db", which app's copy holds but
// never calls.
var baseTree = map[string]string{
	"stackctl.hcl":                    "project = \"p\"\n",
	"README.md":                       "docs\n",
	"infra/modules/shared/main.tf":    "resource \"terraform_data\" \"x\" {}\n",
	"infra/modules/db/main.tf":        "resource \"terraform_data\" \"db\" {}\n",
	"infra/modules/app/main.tf":       "module \"c\" {\n  source = \"../common\"\n}\n",
	"infra/modules/common/main.tf":    "resource \"terraform_data\" \"c\" {}\n",
	"infra/modules/common/tpl/a.sh":   "echo a\n",
	"infra/live/dev/env.hcl":          "vars = { region = \"r\" }\n",
	"infra/live/dev/network/unit.hcl": "source = \"../../../modules/shared\"\n",
	"infra/live/dev/database/unit.hcl": `source = "../../../modules/db"
dependency "network" {
  path = "../network"
}
`,
	"infra/live/dev/app/unit.hcl": `source = "../../../modules//app"
dependency "database" {
  path = "../database"
}
`,
	"infra/live/dev/app/override.tf": "locals { x = 1 }\n",
	"infra/live/dev/edge/unit.hcl": `source = "../../../modules/shared"
dependency "app" {
  path = "../app"
}
`,
	"infra/live/dev/solo/unit.hcl":        "",
	"infra/live/dev/solo/main.tf":         "resource \"terraform_data\" \"s\" {}\n",
	"infra/live/dev/old/unit.hcl":         "source = \"../../../modules/shared\"\n",
	"infra/live/dev/old/extra.tf":         "locals { y = 1 }\n",
	"infra/live/staging/env.hcl":          "vars = { region = \"r\" }\n",
	"infra/live/staging/network/unit.hcl": "source = \"../../../modules/shared\"\n",
	"infra/live/dev/apps/unit.hcl":        "",
	"infra/live/dev/apps/api/unit.hcl":    "",
	"infra/live/dev/apps/api/main.tf":     "resource \"terraform_data\" \"api\" {}\n",
	".gitignore":                          ".stackctl/\n*.ignored\n",
}

type repo struct {
	t   *testing.T
	dir string
	env []string
}

func gitEnv(t *testing.T) []string {
	cfg := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(cfg, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "GIT_CONFIG_GLOBAL="+cfg, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
}

// newRepo commits baseTree on main and checks out a feature branch.
func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("these tests build git repositories: install git")
	}
	r := &repo{t: t, dir: testutil.WriteTree(t, baseTree), env: gitEnv(t)}
	r.git("init", "-q", "-b", "main")
	r.commitAll("base")
	r.git("checkout", "-q", "-b", "feature")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) write(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commitAll(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

func (r *repo) selection(env, ref string) *Selection {
	r.t.Helper()
	sel, err := r.trySelection(env, ref)
	if err != nil {
		r.t.Fatal(err)
	}
	return sel
}

func (r *repo) trySelection(env, ref string) (*Selection, error) {
	r.t.Helper()
	l := config.NewLoader(config.Options{Dir: r.dir})
	st, diags := l.Load(env)
	if diags.HasErrors() {
		r.t.Fatal(diags.Error())
	}
	g, diags := graph.FromStack(st)
	if diags.HasErrors() {
		r.t.Fatal(diags.Error())
	}
	return ChangedSince(context.Background(), Options{Dir: r.dir, Ref: ref, Environ: r.env}, Scope{Stack: st, Graph: g})
}

// reasons renders a selection as unit → reason strings.
func reasons(sel *Selection) map[string][]string {
	out := map[string][]string{}
	for _, u := range sel.Units {
		for _, rs := range u.Reasons {
			out[u.Path] = append(out[u.Path], rs.String())
		}
	}
	return out
}

func TestChangedSince(t *testing.T) {
	allDev := func(reason string) map[string][]string {
		out := map[string][]string{}
		for _, u := range []string{"app", "apps", "apps/api", "database", "edge", "network", "old", "solo"} {
			out[u] = []string{reason}
		}
		return out
	}
	cases := []struct {
		name   string
		change func(r *repo)
		want   map[string][]string
	}{
		{
			name: "one unit and its dependents",
			change: func(r *repo) {
				r.write("infra/live/dev/network/unit.hcl", "source = \"../../../modules/shared\"\n# changed\n")
				r.commitAll("network")
			},
			want: map[string][]string{
				"network":  {"infra/live/dev/network/unit.hcl modified"},
				"database": {"depends on network"},
				"app":      {"depends on network (through database)"},
				"edge":     {"depends on network (through app → database)"},
			},
		},
		{
			name: "env.hcl",
			change: func(r *repo) {
				r.write("infra/live/dev/env.hcl", "vars = { region = \"x\" }\n")
				r.commitAll("env")
			},
			want: allDev("infra/live/dev/env.hcl modified"),
		},
		{
			name: "another environment's env.hcl selects nothing here",
			change: func(r *repo) {
				r.write("infra/live/staging/env.hcl", "vars = { region = \"x\" }\n")
				r.commitAll("staging")
			},
			want: map[string][]string{},
		},
		{
			name: "stackctl.hcl",
			change: func(r *repo) {
				r.write("stackctl.hcl", "project = \"q\"\n")
				r.commitAll("root")
			},
			want: allDev("stackctl.hcl modified"),
		},
		{
			name: "a shared module",
			change: func(r *repo) {
				r.write("infra/modules/shared/main.tf", "resource \"terraform_data\" \"y\" {}\n")
				r.commitAll("shared")
			},
			want: map[string][]string{
				"network":  {"infra/modules/shared/main.tf modified (module infra/modules/shared)"},
				"edge":     {"infra/modules/shared/main.tf modified (module infra/modules/shared)"},
				"old":      {"infra/modules/shared/main.tf modified (module infra/modules/shared)"},
				"database": {"depends on network"},
				"app":      {"depends on network (through database)"},
			},
		},
		{
			name: "a module another module calls, below its folder",
			change: func(r *repo) {
				r.write("infra/modules/common/tpl/a.sh", "echo b\n")
				r.commitAll("common")
			},
			want: map[string][]string{
				"app":  {"infra/modules/common/tpl/a.sh modified (module infra/modules/common, called from infra/modules/app)"},
				"edge": {"depends on app"},
			},
		},
		{
			name: "a module copied along but never called",
			change: func(r *repo) {
				r.write("infra/modules/db/main.tf", "resource \"terraform_data\" \"db2\" {}\n")
				r.commitAll("db")
			},
			want: map[string][]string{
				"database": {"infra/modules/db/main.tf modified (module infra/modules/db)"},
				"app":      {"depends on database"},
				"edge":     {"depends on database (through app)"},
			},
		},
		{
			name: "a unit's extra .tf file, and a nested unit's file",
			change: func(r *repo) {
				r.write("infra/live/dev/app/override.tf", "locals { x = 2 }\n")
				r.write("infra/live/dev/apps/api/main.tf", "resource \"terraform_data\" \"api2\" {}\n")
				r.commitAll("override")
			},
			want: map[string][]string{
				"app":      {"infra/live/dev/app/override.tf modified"},
				"edge":     {"depends on app"},
				"apps/api": {"infra/live/dev/apps/api/main.tf modified"},
			},
		},
		{
			name: "an uncommitted change and an untracked file; ignored files count for nothing",
			change: func(r *repo) {
				r.write("infra/live/dev/solo/main.tf", "resource \"terraform_data\" \"s2\" {}\n")
				r.write("infra/live/dev/apps/new.tf", "locals {}\n")
				r.write("infra/live/dev/edge/junk.ignored", "x")
				r.write(".stackctl/cache/x", "x")
			},
			want: map[string][]string{
				"solo": {"infra/live/dev/solo/main.tf modified"},
				"apps": {"infra/live/dev/apps/new.tf untracked"},
			},
		},
		{
			name: "files outside any unit",
			change: func(r *repo) {
				r.write("README.md", "more docs\n")
				r.write("infra/live/dev/common/vars.yaml", "a: 1\n")
				r.commitAll("docs")
			},
			want: map[string][]string{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			tc.change(r)
			sel := r.selection("dev", "main")
			got := reasons(sel)
			if !equalReasons(got, tc.want) {
				t.Fatalf("selected:\n%s\nwant:\n%s", format(got), format(tc.want))
			}
			if len(sel.Deleted) != 0 {
				t.Fatalf("deleted units reported: %+v", sel.Deleted)
			}
			last := -1
			for _, p := range []string{"network", "database", "app", "edge"} {
				for i, u := range sel.Units {
					if u.Path == p {
						if i < last {
							t.Fatalf("units not in dependency order: %v", sel.Units)
						}
						last = i
					}
				}
			}
		})
	}
}

func equalReasons(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func format(m map[string][]string) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("  " + k + ": " + strings.Join(m[k], "; ") + "\n")
	}
	return b.String()
}

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
	if !errors.Is(err, ErrUnknownRef) || !strings.Contains(err.Error(), `"origin/nope"`) || !strings.Contains(err.Error(), "git fetch origin nope") || !strings.Contains(err.Error(), "fetch-depth: 0") {
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
	if _, err := Diff(context.Background(), Options{Dir: shallow, Ref: "HEAD~1", Environ: r.env}); err == nil || !strings.Contains(err.Error(), "shallow") {
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
