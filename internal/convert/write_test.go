package convert

import (
	"bytes"
	"strings"
	"testing"
)

func writeText(r *Result) string {
	var b bytes.Buffer
	r.WriteText(&b, "OUT", func(rel string) string {
		if rel == "" {
			return "DIR"
		}
		return rel
	})
	return b.String()
}

// The report of a tree without shared definitions has no section for
// them.
func TestWriteTextWithoutShared(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": "",
	})
	want := `Converted DIR into OUT.

Environments:
  dev        from dev: app

Wrote 3 files.

Everything was converted.

Next: stackctl list dev --root OUT, then render and validate.
`
	if got := writeText(r); got != want {
		t.Errorf("report:\n%s\nwant\n%s", got, want)
	}
}

// A tree whose only units sit directly below it converts no environment:
// the report says why and suggests no next step.
func TestWriteTextWithoutEnvironments(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":           "",
		"app/terragrunt.hcl": "",
	})
	got := writeText(r)
	for _, w := range []string{"Environments:\n\nWrote ", "Not converted (1): each needs a decision of yours.\n  app/terragrunt.hcl:1:1: unit: it sits directly below the tree"} {
		if !strings.Contains(got, w) {
			t.Errorf("report lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "Next:") {
		t.Errorf("report suggests a next step:\n%s", got)
	}
}

// One of a thing is said in the singular.
func TestWriteTextSingular(t *testing.T) {
	r := &Result{
		Shared: []Shared{{Path: "units/app.hcl", From: "_envcommon/app.hcl", Units: 1}},
		Files:  []File{{Path: "stackctl.hcl"}, {Path: "live/dev/app/main.tf", Copied: true}},
	}
	got := writeText(r)
	for _, w := range []string{"  units/app.hcl from _envcommon/app.hcl (1 unit)\n", "\nWrote 1 file and copied 1 from unit folders.\n"} {
		if !strings.Contains(got, w) {
			t.Errorf("report lacks %q:\n%s", w, got)
		}
	}
}
