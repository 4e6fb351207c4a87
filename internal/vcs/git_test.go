package vcs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The environment given is the one git runs with, not the process's own:
// a ceiling set there keeps git from finding the repository above.
func TestGitRunsWithTheGivenEnvironment(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	sub := filepath.Join(r.dir, "infra")
	ceiling := append(r.env[:len(r.env):len(r.env)], "GIT_CEILING_DIRECTORIES="+r.dir)
	if _, err := Diff(context.Background(), Options{Dir: sub, Ref: "main", Environ: ceiling}); !errors.Is(err, ErrNotRepository) {
		t.Fatalf("Diff with a ceiling at the top level: %v", err)
	}
	if _, err := TopLevel(context.Background(), sub, ceiling); !errors.Is(err, ErrNotRepository) {
		t.Fatalf("TopLevel with a ceiling at the top level: %v", err)
	}
	if _, err := Diff(context.Background(), Options{Dir: sub, Ref: "main", Environ: r.env}); err != nil {
		t.Fatalf("Diff without the ceiling: %v", err)
	}
}

func TestSplitZ(t *testing.T) {
	t.Parallel()
	if got := splitZ([]byte("M\x00a b.tf\x00A\x00c\x00")); !reflect.DeepEqual(got, []string{"M", "a b.tf", "A", "c"}) {
		t.Errorf("splitZ: %q", got)
	}
	if got := splitZ(nil); got != nil {
		t.Errorf("splitZ of no output: %q", got)
	}
}

// A reason already recorded for a unit is not recorded twice; one that
// differs in kind, file or module is.
func TestMatcherRecordsEachReasonOnce(t *testing.T) {
	t.Parallel()
	m := &matcher{reasons: map[string][]Reason{}}
	r := Reason{Kind: ReasonModule, File: "modules/net/main.tf", Module: "modules/net"}
	m.add("net", r)
	m.add("net", r)
	if len(m.reasons["net"]) != 1 {
		t.Fatalf("the same reason twice: %v", m.reasons["net"])
	}
	for _, other := range []Reason{
		{Kind: ReasonUnit, File: r.File, Module: r.Module},
		{Kind: r.Kind, File: "modules/net/vars.tf", Module: r.Module},
		{Kind: r.Kind, File: r.File, Module: "modules/base"},
	} {
		m.add("net", other)
	}
	if len(m.reasons["net"]) != 4 {
		t.Fatalf("four different reasons: %v", m.reasons["net"])
	}
}

// Paths are compared with git's top level, which has its symbolic links
// resolved: a path through a link resolves as far as it exists, and the
// rest is kept.
func TestRealPathResolvesLinks(t *testing.T) {
	t.Parallel()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "target"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "target"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		filepath.Join(dir, "link"):                     filepath.Join(dir, "target"),
		filepath.Join(dir, "link", "gone", "unit.hcl"): filepath.Join(dir, "target", "gone", "unit.hcl"),
		filepath.Join(dir, "link", "..", "target"):     filepath.Join(dir, "target"),
	} {
		if got := realPath(in); got != want {
			t.Errorf("realPath(%s) = %s, want %s", in, got, want)
		}
	}
}
