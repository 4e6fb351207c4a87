package runner

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/stackctl/stackctl/internal/graph"
)

// With one job at a time the run follows the graph's order exactly, also
// when a finished unit makes a unit ready that ranks before one already
// waiting (b, freed by a, goes before z): logs and plans then read the same
// on every run.
func TestOneAtATimeFollowsTheGraphOrder(t *testing.T) {
	g, cycle := graph.New([]string{"a", "b", "c", "d", "z"}, map[string][]string{
		"b": {"a"}, "c": {"a"}, "d": {"a"},
	})
	if cycle != nil {
		t.Fatal(cycle)
	}
	rec := &recorder{}
	res := Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 1, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (struct{}, error) { return struct{}{}, nil })
	want := []string{"a", "b", "c", "d", "z"}
	if !slices.Equal(g.Order(), want) {
		t.Fatalf("graph order %v, want %v", g.Order(), want)
	}
	if !slices.Equal(rec.started, want) {
		t.Errorf("started %v, want %v", rec.started, want)
	}
	var units []string
	for _, r := range res {
		units = append(units, r.Unit)
	}
	if !slices.Equal(units, want) {
		t.Errorf("results in order %v, want %v", units, want)
	}
}

type planNote string

func (p planNote) Note() string { return string(p) }

// A job's value speaks for the unit in progress views only when the job
// succeeded; a failed unit's note must not claim "no changes".
func TestJobValueNoteOnlyForSuccess(t *testing.T) {
	g, cycle := graph.New([]string{"ok", "bad"}, nil)
	if cycle != nil {
		t.Fatal(cycle)
	}
	rec := &recorder{}
	res := Run(context.Background(), Options{Graph: g, Selected: all(g), Parallelism: 1, Observer: rec},
		func(ctx context.Context, u string, _ UnitIO) (planNote, error) {
			if u == "bad" {
				return "no changes", errors.New("plan failed")
			}
			return "1 to add, 0 to change, 0 to destroy", nil
		})
	notes := map[string]string{}
	for _, r := range res {
		notes[r.Unit] = r.Note
	}
	if notes["ok"] != "1 to add, 0 to change, 0 to destroy" || rec.finished["ok"].Note != notes["ok"] {
		t.Errorf("ok: result note %q, event note %q", notes["ok"], rec.finished["ok"].Note)
	}
	if notes["bad"] != "" || rec.finished["bad"].Status != Failed {
		t.Errorf("bad: note %q, status %s", notes["bad"], rec.finished["bad"].Status)
	}
}
