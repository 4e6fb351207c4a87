package vcs

import (
	"context"
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
