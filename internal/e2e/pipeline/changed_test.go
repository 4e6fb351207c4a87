package pipeline

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// changedTree: network ← database ← app (app's module calls "common"),
// solo alone, old to be deleted on the branch.
func changedTree(t *testing.T) *tree {
	t.Helper()
	tr := newTree(t, map[string]string{
		".gitignore":                 ".stackctl/\nplans/\n",
		"stackctl.hcl":               rootHCL,
		"modules/step/main.tf":       stepModule,
		"modules/app/main.tf":        stepModule + "\nmodule \"c\" {\n  source = \"../common\"\n}\n",
		"modules/common/main.tf":     "resource \"terraform_data\" \"c\" {\n  input = \"v1\"\n}\n",
		"live/dev/env.hcl":           "vars = { region = \"r\" }\n",
		"live/dev/network/unit.hcl":  unitHCL("network", ""),
		"live/dev/database/unit.hcl": unitHCL("database", "network"),
		"live/dev/app/unit.hcl":      strings.Replace(unitHCL("app", "database"), "modules/step", "modules/app", 1),
		"live/dev/solo/unit.hcl":     unitHCL("solo", ""),
		"live/dev/old/unit.hcl":      unitHCL("old", "network"),
	})
	tr.git("init", "-q", "-b", "main")
	tr.commitAll("base")
	return tr
}

type listed struct {
	Units []struct {
		Path    string `json:"path"`
		Reasons []struct {
			Kind       string `json:"kind"`
			File       string `json:"file"`
			Module     string `json:"module"`
			CalledFrom string `json:"called_from"`
			Unit       string `json:"unit"`
		} `json:"reasons"`
	} `json:"units"`
	Deleted []struct {
		Path string `json:"path"`
	} `json:"deleted"`
	Unmatched []struct {
		Path string `json:"path"`
	} `json:"unmatched"`
}

func (tr *tree) listChanged(ref string, extra ...string) listed {
	tr.t.Helper()
	r := tr.must(0, append([]string{"list", "dev", "--changed-since", ref, "--json"}, extra...)...)
	var l listed
	if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
		tr.t.Fatalf("%v\n%s", err, r)
	}
	return l
}

func reasonsOf(l listed) map[string]string {
	out := map[string]string{}
	for _, u := range l.Units {
		var rs []string
		for _, r := range u.Reasons {
			s := r.Kind + ":" + r.File + r.Unit
			if r.CalledFrom != "" {
				s += " from " + r.CalledFrom
			}
			rs = append(rs, s)
		}
		out[u.Path] = strings.Join(rs, "; ")
	}
	return out
}

// TestChangedSinceSelects: commits touching one unit, env.hcl, a shared
// module, a module another module calls, and a deleted unit select exactly
// the right units with the right reasons, through the CLI.
func TestChangedSinceSelects(t *testing.T) {
	t.Parallel()
	tr := changedTree(t)
	cases := []struct {
		name   string
		change func()
		want   map[string]string
	}{
		{"one unit", func() {
			tr.write(map[string]string{"live/dev/database/unit.hcl": unitHCL("database2", "network")})
		}, map[string]string{"database": "unit:live/dev/database/unit.hcl", "app": "dependency:database"}},
		{"env.hcl", func() {
			tr.write(map[string]string{"live/dev/env.hcl": "vars = { region = \"x\" }\n"})
		}, map[string]string{"network": "env:live/dev/env.hcl", "database": "env:live/dev/env.hcl", "app": "env:live/dev/env.hcl", "solo": "env:live/dev/env.hcl", "old": "env:live/dev/env.hcl"}},
		{"a shared module", func() {
			tr.write(map[string]string{"modules/step/main.tf": stepModule + "\n# changed\n"})
		}, map[string]string{"network": "module:modules/step/main.tf", "database": "module:modules/step/main.tf", "solo": "module:modules/step/main.tf", "old": "module:modules/step/main.tf", "app": "dependency:database; dependency:network"}},
		{"a module another module calls", func() {
			tr.write(map[string]string{"modules/common/main.tf": "resource \"terraform_data\" \"c\" {\n  input = \"v2\"\n}\n"})
		}, map[string]string{"app": "module:modules/common/main.tf from modules/app"}},
	}
	for i, c := range cases {
		branch := "case" + string(rune('a'+i))
		tr.git("checkout", "-q", "-b", branch, "main")
		c.change()
		tr.commitAll(c.name)
		got := reasonsOf(tr.listChanged("main"))
		if len(got) != len(c.want) {
			t.Errorf("%s: selected %v, want %v", c.name, got, c.want)
		}
		for u, w := range c.want {
			if got[u] != w {
				t.Errorf("%s: %s reasons %q, want %q", c.name, u, got[u], w)
			}
		}
	}

	// A deleted unit is reported apart and selects nothing.
	tr.git("checkout", "-q", "-b", "delete", "main")
	tr.git("rm", "-q", "-r", "live/dev/old")
	tr.commitAll("remove old")
	l := tr.listChanged("main")
	if len(l.Units) != 0 || len(l.Deleted) != 1 || l.Deleted[0].Path != "old" {
		t.Errorf("deletion: %+v", l)
	}
	r := tr.must(0, "list", "dev", "--changed-since", "main")
	contains(t, "list stderr", r.stderr, "unit old was deleted since main", "give --allow-destroy")

	// Uncommitted and untracked changes count; --unit narrows.
	tr.write(map[string]string{"live/dev/solo/extra.tf": "locals { x = 1 }\n", "live/dev/network/unit.hcl": unitHCL("network2", "")})
	got := reasonsOf(tr.listChanged("main", "-u", "solo", "-u", "database"))
	if len(got) != 2 || got["solo"] != "unit:live/dev/solo/extra.tf" || got["database"] != "dependency:network" {
		t.Errorf("uncommitted with --unit: %v", got)
	}
	// A changed file no unit owns is a note.
	tr.write(map[string]string{"live/dev/common/vars.yaml": "a: 1\n"})
	r = tr.must(0, "list", "dev", "--changed-since", "main", "-u", "solo")
	contains(t, "list stderr", r.stderr, "live/dev/common/vars.yaml (untracked) belongs to no unit")
	if strings.TrimSpace(r.stdout) != "solo" {
		t.Errorf("list --changed-since -u solo printed %q", r.stdout)
	}

	// Errors say what to do.
	r = tr.must(1, "list", "dev", "--changed-since", "origin/nope")
	contains(t, "unknown ref", r.stderr, `"origin/nope"`, "git fetch origin nope")
	plain := newTree(t, map[string]string{"stackctl.hcl": rootHCL, "live/dev/env.hcl": "", "live/dev/a/unit.hcl": ""})
	plain.env = append(plain.env, "GIT_CEILING_DIRECTORIES="+plainParent(plain.dir))
	r = plain.must(1, "plan", "dev", "--changed-since", "main")
	contains(t, "no repository", r.stderr, "not inside a git repository")
}

func plainParent(dir string) string {
	i := strings.LastIndex(dir, string(os.PathSeparator))
	return dir[:i]
}

// TestChangedSinceRuns: plan and apply run only the affected units, each
// with its reasons in the JSON summary; a deleted unit is destroyed only
// with --allow-destroy, from its configuration at the merge base.
func TestChangedSinceRuns(t *testing.T) {
	t.Parallel()
	tr := changedTree(t)
	tr.must(0, "apply", "dev", "--auto-approve")
	tr.git("checkout", "-q", "-b", "feature")
	tr.git("rm", "-q", "-r", "live/dev/old")
	tr.write(map[string]string{"modules/common/main.tf": "resource \"terraform_data\" \"c\" {\n  input = \"v2\"\n}\n"})
	tr.commitAll("app's called module changes; old goes")

	r := tr.must(0, "plan", "dev", "--changed-since", "main", "--json")
	s := parseSummary(t, r)
	if !slices.Equal(s.units(), []string{"app"}) || !s.Units[0].HasChanges || len(s.Units[0].Reasons) != 1 ||
		!strings.Contains(s.Units[0].Reasons[0], "modules/common/main.tf modified (module modules/common, called from modules/app)") {
		t.Fatalf("plan --changed-since: %+v\n%s", s, r)
	}
	if s.ChangedSince == nil || s.ChangedSince.Ref != "main" || len(s.ChangedSince.Deleted) != 1 {
		t.Errorf("changed_since: %+v", s.ChangedSince)
	}
	contains(t, "plan stderr", r.stderr, "app", "called from modules/app", "unit old was deleted since main")

	r = tr.must(0, "plan", "dev", "--changed-since", "main", "--allow-destroy", "--json")
	s = parseSummary(t, r)
	if !slices.Equal(s.units(), []string{"old", "app"}) || s.Units[0].Changes == nil || s.Units[0].Changes.Destroy != 1 || !strings.Contains(s.Units[0].Note, "deleted since main") {
		t.Fatalf("plan --allow-destroy: %+v\n%s", s, r)
	}

	r = tr.must(0, "apply", "dev", "--changed-since", "main", "--allow-destroy", "--auto-approve", "--json")
	s = parseSummary(t, r)
	if !slices.Equal(s.units(), []string{"old", "app"}) || s.Result != "succeeded" {
		t.Fatalf("apply --allow-destroy: %+v\n%s", s, r)
	}
	st := tr.read(".stackctl/state/dev/old/terraform.tfstate")
	if strings.Contains(st, "terraform_data") {
		t.Errorf("old's state still holds resources:\n%s", st)
	}
	if out := tr.git("worktree", "list"); strings.Contains(out, "checkouts") {
		t.Errorf("the merge-base checkout was left behind:\n%s", out)
	}
	// Applied: nothing changed since main is left to do.
	r = tr.must(0, "plan", "dev", "--changed-since", "main", "--allow-destroy", "--json")
	for _, u := range parseSummary(t, r).Units {
		if u.HasChanges {
			t.Errorf("%s still has changes after the apply: %+v", u.Unit, u)
		}
	}
}
