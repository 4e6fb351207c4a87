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
