package parity

import (
	"bytes"
	"strings"
	"testing"
)

// A value of up to 200 characters is shown whole in the views; a longer
// one is cut there (JSON keeps it whole).
func TestLongValuesClipped(t *testing.T) {
	for _, n := range []int{200, 201} {
		long := strings.Repeat("x", n)
		r := &Result{EnvA: "staging", EnvB: "prod", Units: 1, Undeclared: 1, Differences: []Difference{{
			Unit: "app", Kind: KindInput, Path: "v", What: "differs",
			A: Side{Present: true, Text: long}, B: Side{Present: true, Text: "y"}}}}
		out := human(r, false)
		var md bytes.Buffer
		r.WriteMarkdown(&md)
		shown := strings.Repeat("x", 200)
		if n > 200 {
			shown += "…"
		}
		if !strings.Contains(out, "staging  "+shown+"\n") || !strings.Contains(md.String(), "| `"+shown+"` |") {
			t.Errorf("%d characters:\n%s\n%s", n, out, md.String())
		}
	}
}

// Markdown cells keep their table: pipes are escaped, newlines become
// spaces, and a value with backticks takes a longer fence.
func TestMarkdownCells(t *testing.T) {
	r := &Result{EnvA: "staging", EnvB: "prod", Units: 1, Undeclared: 2, Differences: []Difference{
		{Unit: "app", Kind: KindInput, Path: "v", What: "differs",
			A: Side{Present: true, Text: "a`b|c\nd"}, B: Side{Present: true, Text: "`x`"}},
		{Unit: "app", Kind: KindResource, Path: "aws_s3_bucket.x", What: "only in staging's state",
			A: Side{Present: true, Text: "1 instance"}},
	}}
	var md bytes.Buffer
	r.WriteMarkdown(&md)
	for _, want := range []string{
		"| `app` | v: differs | ``a`b\\|c d`` | `` `x` `` |  |\n",
		"| `app` | aws_s3_bucket.x: only in staging's state | `1 instance` | — |  |\n",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("want %q in:\n%s", want, md.String())
		}
	}
}

// "compared as" is shown when both sides are there and the placeholders
// changed one of them; the other side is shown as it is.
func TestComparedAs(t *testing.T) {
	r := &Result{EnvA: "staging", EnvB: "prod", Units: 1, Undeclared: 2, Differences: []Difference{
		{Unit: "app", Kind: KindInput, Path: "v", What: "differs",
			A: Side{Present: true, Text: `"a.staging"`, Compared: `"a.${env.name}"`}, B: Side{Present: true, Text: `"b"`}},
		{Unit: "app", Kind: KindInput, Path: "w", What: "only in staging",
			A: Side{Present: true, Text: `"a.staging"`, Compared: `"a.${env.name}"`}},
	}}
	out := human(r, false)
	if !strings.Contains(out, `      compared as "a.${env.name}" and "b"`+"\n  ! w") || strings.Count(out, "compared as") != 1 {
		t.Errorf("view:\n%s", out)
	}
	var md bytes.Buffer
	r.WriteMarkdown(&md)
	if !strings.Contains(md.String(), "| `\"a.${env.name}\"` / `\"b\"` |\n") || strings.Count(md.String(), "${env.name}") != 1 {
		t.Errorf("markdown:\n%s", md.String())
	}
}
