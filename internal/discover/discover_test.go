package discover

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func touch(t *testing.T, root string, rels ...string) {
	t.Helper()
	for _, rel := range rels {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnits(t *testing.T) {
	env := t.TempDir()
	touch(t, env,
		"env.hcl",
		"unit.hcl", // the environment folder itself is not a unit
		"network/unit.hcl",
		"apps/api/unit.hcl",
		"apps/api/nested/unit.hcl",
		"apps/README.md",
		"network/.terraform/modules/x/unit.hcl", // copies terraform made
		".stackctl/cache/unit.hcl",
	)
	got, err := Units(env)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"apps/api", "apps/api/nested", "network"}
	if !slices.Equal(got, want) {
		t.Fatalf("Units = %v, want %v", got, want)
	}
	if _, err := Units(filepath.Join(env, "missing")); err == nil {
		t.Fatal("no error for a missing environment folder")
	}
}

func TestEnvironmentsAndRoot(t *testing.T) {
	root := t.TempDir()
	touch(t, root, RootFile, "infra/live/prod/env.hcl", "infra/live/dev/env.hcl", "infra/live/modules/main.tf", "infra/live/.old/env.hcl")
	envs, err := Environments(filepath.Join(root, "infra", "live"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(envs, []string{"dev", "prod"}) {
		t.Fatalf("Environments = %v", envs)
	}
	touch(t, root, "infra/live/dev/network/x.tf")
	got, err := FindRoot(filepath.Join(root, "infra", "live", "dev", "network"))
	if err != nil || got != root {
		t.Fatalf("FindRoot = %q, %v; want %q", got, err, root)
	}
}

// Issue 9 item 5: a unit.hcl that is a link, a folder, a pipe or a dangling
// link, and linked unit folders, were skipped and the run went on without
// them. Links are followed; everything else is reported with its path.
func TestUnitsNeverDropped(t *testing.T) {
	base := t.TempDir()
	env := filepath.Join(base, "env")
	touch(t, base, "shared/web/unit.hcl", "shared/real.hcl", "env/env.hcl", "env/network/unit.hcl")
	mkdir := func(rel string) {
		if err := os.MkdirAll(filepath.Join(env, rel), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, rel string) {
		if err := os.Symlink(target, filepath.Join(env, rel)); err != nil {
			t.Fatal(err)
		}
	}
	mkdir("linked-file")
	link("../../shared/real.hcl", "linked-file/unit.hcl") // a link to a valid file: a unit
	link("../shared/web", "web")                          // a linked unit folder: a unit
	mkdir("dangling")
	link("nowhere.hcl", "dangling/unit.hcl")
	mkdir("folder/unit.hcl")
	mkdir("pipe")
	if err := syscall.Mkfifo(filepath.Join(env, "pipe", UnitFile), 0o644); err != nil {
		t.Fatal(err)
	}
	mkdir("apps")
	link("..", "apps/loop") // a link to an ancestor
	link("../gone", "gone")

	got, err := Units(env)
	if want := []string{"linked-file", "network", "web"}; !slices.Equal(got, want) {
		t.Errorf("Units = %v, want %v", got, want)
	}
	var probs *Problems
	if !errors.As(err, &probs) {
		t.Fatalf("want *Problems, got %v", err)
	}
	want := map[string]string{
		"apps/loop":         "which contains it",
		"dangling/unit.hcl": "symbolic link to nowhere.hcl, which cannot be read",
		"folder/unit.hcl":   "is a folder, not a file",
		"gone":              "symbolic link to ../gone",
		"pipe/unit.hcl":     "named pipe",
	}
	if len(probs.List) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(probs.List), len(want), err)
	}
	for _, p := range probs.List {
		rel, _ := filepath.Rel(env, p.Path)
		if w, ok := want[filepath.ToSlash(rel)]; !ok || !strings.Contains(p.Detail, w) {
			t.Errorf("%s: %s (want %q)", rel, p.Detail, w)
		}
	}
}

func TestLinkedEnvironmentIsListed(t *testing.T) {
	root := t.TempDir()
	touch(t, root, "live/dev/env.hcl", "elsewhere/qa/env.hcl")
	if err := os.Symlink("../elsewhere/qa", filepath.Join(root, "live", "qa")); err != nil {
		t.Fatal(err)
	}
	envs, err := Environments(filepath.Join(root, "live"))
	if err != nil || !slices.Equal(envs, []string{"dev", "qa"}) {
		t.Fatalf("Environments = %v, %v", envs, err)
	}
}
