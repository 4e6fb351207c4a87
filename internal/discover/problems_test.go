package discover

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Several problems come from folders read concurrently; the report must
// list them by path all the same, so two runs over one tree say the same
// thing, and its message names each path with what is wrong with it.
func TestProblemsAreSortedByPathAndNamed(t *testing.T) {
	env := t.TempDir()
	for _, rel := range []string{"c", "a", "b/deep", "d"} {
		if err := os.MkdirAll(filepath.Join(env, filepath.FromSlash(rel), UnitFile), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	units, err := Units(env)
	if len(units) != 0 {
		t.Errorf("units %v from folders named unit.hcl", units)
	}
	var probs *Problems
	if !errors.As(err, &probs) {
		t.Fatalf("want *Problems, got %v", err)
	}
	var got []string
	for _, p := range probs.List {
		rel, _ := filepath.Rel(env, p.Path)
		got = append(got, filepath.ToSlash(rel))
	}
	want := []string{"a/unit.hcl", "b/deep/unit.hcl", "c/unit.hcl", "d/unit.hcl"}
	if !slices.Equal(got, want) {
		t.Fatalf("problems in order %v, want %v", got, want)
	}
	msg := err.Error()
	first := filepath.Join(env, "a", UnitFile) + ": is a folder, not a file: a unit's configuration is a file named unit.hcl."
	if !strings.HasPrefix(msg, first+"; ") {
		t.Errorf("message %q does not start with %q", msg, first)
	}
	if n := strings.Count(msg, "; "+env); n != 3 {
		t.Errorf("message joins %d further problems, want 3: %q", n, msg)
	}
}

func TestKindNamesFileTypes(t *testing.T) {
	cases := []struct {
		mode fs.FileMode
		want string
	}{
		{fs.ModeDir | 0o755, "a folder"},
		{fs.ModeNamedPipe | 0o644, "a named pipe (FIFO)"},
		{fs.ModeSocket, "a socket"},
		{fs.ModeDevice, "a device"},
		{fs.ModeDevice | fs.ModeCharDevice, "a device"},
		{fs.ModeIrregular | 0o644, "not a regular file (?---------)"},
	}
	for _, c := range cases {
		if got := Kind(c.mode); got != c.want {
			t.Errorf("Kind(%v) = %q, want %q", c.mode, got, c.want)
		}
	}
}

func TestFindRootWithoutOneSaysWhatToDo(t *testing.T) {
	start := filepath.Join(t.TempDir(), "a", "b")
	if err := os.MkdirAll(start, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := FindRoot(start)
	if !errors.Is(err, ErrNoRoot) {
		t.Fatalf("want ErrNoRoot, got %v", err)
	}
	for _, s := range []string{"no stackctl.hcl found in " + start, "--root DIR"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q lacks %q", err, s)
		}
	}
}
