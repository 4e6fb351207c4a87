package hclfmt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/diag"
	"github.com/stackctl/stackctl/internal/testutil"
)

const unformatted = "source=\"../../../modules/app\"\ninputs = {\n  a = 1\n    long_name = 2\n}\n"
const formatted = "source = \"../../../modules/app\"\ninputs = {\n  a         = 1\n  long_name = 2\n}\n"

// TestCheckThenFormat: --check fails on an unformatted unit.hcl without
// writing it, fmt rewrites it, and --check then passes.
func TestCheckThenFormat(t *testing.T) {
	root := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":                     "project = \"p\"\n",
		"infra/live/dev/env.hcl":           "vars = {}\n",
		"infra/live/dev/app/unit.hcl":      unformatted,
		"infra/live/dev/apps/api/unit.hcl": "source = \"x\"\n",
		"infra/live/_shared/app.hcl":       "x=1\n",
		"infra/modules/app/main.tf":        "resource \"terraform_data\" \"x\" {}\n",
		"examples/other/stackctl.hcl":      "project=\"other\"\n",
		"examples/other/live/dev/env.hcl":  "x=1\n",
		".stackctl/cache/unit.hcl":         "x=1\n",
		"infra/live/dev/app/notes.hcl":     "x=1\n",
	})
	unit := filepath.Join(root, "infra/live/dev/app/unit.hcl")
	shared := filepath.Join(root, "infra/live/_shared/app.hcl")
	opts := Options{Root: root, Check: true, Extra: []string{shared}}

	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"infra/live/_shared/app.hcl", "infra/live/dev/app/unit.hcl", "infra/live/dev/apps/api/unit.hcl", "infra/live/dev/env.hcl", "stackctl.hcl"}
	if !slices.Equal(res.Files, wantFiles) {
		t.Fatalf("files %v, want %v", res.Files, wantFiles)
	}
	if res.OK(true) || !slices.Equal(res.Unformatted, []string{"infra/live/_shared/app.hcl", "infra/live/dev/app/unit.hcl"}) {
		t.Fatalf("check: ok=%v unformatted=%v", res.OK(true), res.Unformatted)
	}
	if data, _ := os.ReadFile(unit); string(data) != unformatted {
		t.Fatal("--check wrote the file")
	}

	opts.Check = false
	if res, err = Run(opts); err != nil || !res.OK(false) || len(res.Unformatted) != 2 {
		t.Fatalf("fmt: %v %+v", err, res)
	}
	if data, _ := os.ReadFile(unit); string(data) != formatted {
		t.Fatalf("formatted unit.hcl:\n%s\nwant:\n%s", data, formatted)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "examples/other/stackctl.hcl")); string(data) != "project=\"other\"\n" {
		t.Fatal("a nested repository's files were formatted")
	}

	opts.Check = true
	if res, err = Run(opts); err != nil || !res.OK(true) || len(res.Unformatted) != 0 {
		t.Fatalf("check after fmt: %v %+v", err, res)
	}
}

// TestSyntaxError: a broken file is reported at file:line:col, printable
// with its snippet, and left as it is; the other files are still
// formatted.
func TestSyntaxError(t *testing.T) {
	broken := "source = \"x\"\ninputs = {\n  a = \n}\n"
	root := testutil.WriteTree(t, map[string]string{
		"stackctl.hcl":                "project=\"p\"\n",
		"infra/live/dev/env.hcl":      "vars = {}\n",
		"infra/live/dev/app/unit.hcl": broken,
	})
	res, err := Run(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK(false) || !res.Diagnostics.HasErrors() {
		t.Fatal("a syntax error is not reported")
	}
	var b strings.Builder
	diag.Write(&b, res.Diagnostics, res.Sources, false, 100)
	if !strings.Contains(b.String(), "infra/live/dev/app/unit.hcl:3:") || !strings.Contains(b.String(), "3 |   a = ") {
		t.Fatalf("diagnostic without position or snippet:\n%s", b.String())
	}
	if data, _ := os.ReadFile(filepath.Join(root, "infra/live/dev/app/unit.hcl")); string(data) != broken {
		t.Fatal("the broken file was rewritten")
	}
	if data, _ := os.ReadFile(filepath.Join(root, "stackctl.hcl")); string(data) != "project = \"p\"\n" {
		t.Fatalf("the other files were not formatted: %q", data)
	}
}
