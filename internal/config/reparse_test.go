package config

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// A unit's inputs are parsed again when it runs: the attribute must come
// back with the ranges it had, whatever surrounds it.
func TestSavedAttrParsesToTheSameRanges(t *testing.T) {
	for _, src := range []string{
		"inputs = { a = 1 }\n",
		"inputs = { a = 1 }",
		"locals {\n  x = 1\n}\n\ninputs = {\n  a = <<EOT\nhello ${unit.name}\nEOT\n  b = 1 # c\n}\nsource = \"../m\"\n",
		"inputs = <<EOT\nhello\nEOT\nsource = \"x\"\n",
		"inputs = <<EOT\r\nhello\r\nEOT\r\nsource = \"x\"\r\n",
		"inputs = { a = 1 } # trailing\nsource = \"x\"\n",
		"inputs = merge({ a = 1 }, // x\n  { b = 2 })\n",
		"inputs = { a = 1 } /* a comment\nthat goes on */\nsource = \"x\"\n",
	} {
		f, diags := hclsyntax.ParseConfig([]byte(src), "unit.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%q: %s", src, diags.Error())
		}
		want := f.Body.(*hclsyntax.Body).Attributes["inputs"].AsHCLAttribute()
		got, diags := saveAttr(want, []byte(src)).attr()
		if diags.HasErrors() || got == nil {
			t.Fatalf("%q: parsed again: %v", src, diags)
		}
		if got.Range != want.Range || got.NameRange != want.NameRange || got.Expr.Range() != want.Expr.Range() {
			t.Errorf("%q: ranges %v %v %v, want %v %v %v", src, got.Range, got.NameRange, got.Expr.Range(), want.Range, want.NameRange, want.Expr.Range())
		}
		wv, _ := want.Expr.Value(nil)
		gv, _ := got.Expr.Value(nil)
		if wv != cty.NilVal && !gv.RawEquals(wv) {
			t.Errorf("%q: value %#v, want %#v", src, gv, wv)
		}
	}
}
