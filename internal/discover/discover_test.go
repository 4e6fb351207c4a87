package discover

import (
	"os"
	"path/filepath"
	"slices"
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
	if err := os.Mkdir(filepath.Join(env, "db"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(env, "db", UnitFile), 0o755); err != nil { // a folder, not a file
		t.Fatal(err)
	}
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
