package hclfmt

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

// A shared file outside the root is shown by its absolute path (a path
// with ".." would point nowhere useful); a file passed again, or one Find
// already has, is read once.
func TestExtraFilesOutsideRootAndTwice(t *testing.T) {
	root := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":                "project = \"p\"\n",
		"infra/live/dev/app/unit.hcl": "source = \"x\"\n",
	})
	outside := filepath.Join(testutil.WriteTree(t, map[string]string{"shared.hcl": "x = 1\n"}), "shared.hcl")
	unit := filepath.Join(root, "infra/live/dev/app/unit.hcl")
	res, err := Run(Options{Root: root, Check: true, Extra: []string{outside, outside, unit, filepath.Join(root, "infra/live/../live/dev/app/unit.hcl")}})
	if err != nil {
		t.Fatal(err)
	}
	// In the order of their absolute paths: root's first (TempDir numbers
	// them in order of creation).
	want := []string{"infra/live/dev/app/unit.hcl", "stackctl.hcl", outside}
	if !slices.Equal(res.Files, want) {
		t.Errorf("files %q, want %q", res.Files, want)
	}
	if !res.OK(true) || len(res.Unformatted) != 0 {
		t.Errorf("formatted files reported: ok=%v unformatted=%v", res.OK(true), res.Unformatted)
	}
}

// Display names files in results; formatting keeps a file's mode (a unit
// file kept private stays private).
func TestDisplayAndModeKept(t *testing.T) {
	root := testutil.WriteTree(t, map[string]string{"stackctl.hcl": "project=\"p\"\n"})
	p := filepath.Join(root, "stackctl.hcl")
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Root: root, Display: func(abs string) string { return "<" + filepath.Base(abs) + ">" }})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Files, []string{"<stackctl.hcl>"}) || !slices.Equal(res.Unformatted, []string{"<stackctl.hcl>"}) || !res.OK(false) {
		t.Fatalf("result %+v", res)
	}
	if res.OK(true) {
		t.Error("OK(true) with an unformatted file")
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode after formatting: %v, %v; want 0600", st.Mode().Perm(), err)
	}
	if data, _ := os.ReadFile(p); string(data) != "project = \"p\"\n" {
		t.Errorf("formatted: %q", data)
	}
}

// Only root's stackctl.hcl, env.hcl and unit.hcl files are stackctl's;
// a symlink is not followed, and a folder named like a file is not one.
func TestFindOnlyStackctlFiles(t *testing.T) {
	root := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":              "",
		"live/dev/env.hcl":          "",
		"live/dev/a/unit.hcl":       "",
		"live/dev/a/other.hcl":      "",
		"live/dev/unit.hcl/x.txt":   "",
		"live/dev/b/unit.hcl.orig":  "",
		"elsewhere/target/unit.hcl": "",
	})
	if err := os.Symlink(filepath.Join(root, "elsewhere/target/unit.hcl"), filepath.Join(root, "live/dev/link.hcl")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "live/dev/c"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "elsewhere/target/unit.hcl"), filepath.Join(root, "live/dev/c/unit.hcl")); err != nil {
		t.Fatal(err)
	}
	got, err := Find(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(root, "elsewhere/target/unit.hcl"),
		filepath.Join(root, "live/dev/a/unit.hcl"),
		filepath.Join(root, "live/dev/env.hcl"),
		filepath.Join(root, "stackctl.hcl"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("Find = %q\nwant %q", got, want)
	}
}
