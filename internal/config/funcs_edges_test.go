package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// every printable character, first and later, at each range's edges.
func TestHCLIdentifierAgreesWithHCL(t *testing.T) {
	for c := byte(0x20); c < 0x7f; c++ {
		for _, s := range []string{string(c), "x" + string(c), string(c) + "x"} {
			if got, want := hclIdentifier(s), hclsyntax.ValidIdentifier(s); got != want {
				t.Errorf("hclIdentifier(%q) = %v, HCL says %v", s, got, want)
			}
		}
	}
	if hclIdentifier("") {
		t.Error(`hclIdentifier("") = true`)
	}
}

// characters or more is a regular expression. one([]) is null.
func TestFunctionEdges(t *testing.T) {
	v, diags := eval(t, `replace("a/b/c", "/", "-")`)
	if diags.HasErrors() || v.AsString() != "a-b-c" {
		t.Errorf(`replace("a/b/c", "/", "-") = %#v, %v`, v, diags)
	}
	v, diags = eval(t, `one([])`)
	if diags.HasErrors() || !v.IsNull() {
		t.Errorf("one([]) = %#v, %v; want null", v, diags)
	}
}

// templatefile itself (no recursion, as in Terraform).
func TestTemplatefileSeesFileFunctionsButNotItself(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"inner.txt": "inner",
		"ok.tftpl":  `${file("inner.txt")}-${name}`,
		"rec.tftpl": `${templatefile("ok.tftpl", { name = "x" })}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// As the loader does: the base functions in the parent context, the
	// file functions of the folder in a child.
	base := &hcl.EvalContext{Functions: baseFunctions(func(string) (string, bool) { return "", false }, makeSSMFunc(func(string) (string, bool, error) { return "", false, nil }))}
	ctx := base.NewChild()
	ctx.Functions = fileFunctions(dir, base.Functions)
	call := func(src string) (cty.Value, hcl.Diagnostics) {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "t.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return expr.Value(ctx)
	}
	if v, diags := call(`templatefile("ok.tftpl", { name = "n" })`); diags.HasErrors() || v.AsString() != "inner-n" {
		t.Errorf("ok.tftpl = %#v, %v", v, diags)
	}
	if _, diags := call(`templatefile("rec.tftpl", {})`); !diags.HasErrors() || !strings.Contains(diags.Error(), "templatefile") {
		t.Errorf("a template calling templatefile: %v", diags)
	}
}

// Among names as near as each other, the first by name is suggested.
func TestClosestBreaksTiesByName(t *testing.T) {
	if got := closest("ab", []string{"aa", "ac", "abcd"}); got != "aa" {
		t.Errorf("closest = %q, want aa", got)
	}
	if got := closest("ab", []string{"abcde"}); got != "" {
		t.Errorf("closest beyond distance 2 = %q", got)
	}
}

// MaxFileSize is the largest file read, whole; one byte more is refused.
// The files are sparse: nothing is written to disk.
func TestReadRegularSizeLimit(t *testing.T) {
	dir := t.TempDir()
	for size, ok := range map[int64]bool{MaxFileSize: true, MaxFileSize + 1: false} {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, size); err != nil {
			t.Fatal(err)
		}
		b, err := readRegular(p)
		if ok && (err != nil || int64(len(b)) != size) {
			t.Errorf("%d bytes: read %d, %v", size, len(b), err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "more than the 16 MiB")) {
			t.Errorf("%d bytes: %v", size, err)
		}
	}
}

// A NUL byte makes a file not text also as its very first byte, and the
// diagnostic points at it.
func TestNotTextAtTheFirstByte(t *testing.T) {
	d := notText([]byte("\x00locals {}\n"), "unit.hcl")
	if d == nil || d.Subject.Start.Line != 1 || d.Subject.Start.Column != 1 || d.Subject.End.Byte != 1 || d.Subject.End.Column != 2 || !strings.Contains(d.Detail, "byte 0 (line 1)") {
		t.Fatalf("%+v", d)
	}
	d = notText([]byte("a = 1\nb = \"\xff\"\n"), "unit.hcl")
	if d == nil || d.Subject.Start.Line != 2 || d.Subject.Start.Column != 6 {
		t.Fatalf("%+v", d)
	}
	if notText([]byte("a = \"é\"\n"), "unit.hcl") != nil {
		t.Fatal("UTF-8 text reported as not text")
	}
}
