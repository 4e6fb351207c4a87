package vcs

import (
	"context"
	"errors"
	"path/filepath"
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
