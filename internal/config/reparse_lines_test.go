package config

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Parsing a unit's inputs again reads only the attribute's own lines, not
// the rest of its file: the text that follows here would not even parse,
// so reading it again would turn a valid unit into an error.
func TestSavedAttrReadsOnlyItsOwnLines(t *testing.T) {
	for _, tc := range []struct{ head, tail string }{
		{"inputs = { a = 1 }\n", "source = \n"},
		{"inputs = { a = 1 } # c\n", "source = \n"},
		{"locals {\n  x = 1\n}\ninputs = {\n  a = 1\n}\n", "}}}\n"},
	} {
		f, diags := hclsyntax.ParseConfig([]byte(tc.head), "unit.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%q: %s", tc.head, diags.Error())
		}
		want := f.Body.(*hclsyntax.Body).Attributes["inputs"].AsHCLAttribute()
		got, diags := saveAttr(want, []byte(tc.head+tc.tail)).attr()
		if diags.HasErrors() || got == nil {
			t.Fatalf("%q followed by %q: parsed again: %v", tc.head, tc.tail, diags)
		}
		if got.Range != want.Range || got.Expr.Range() != want.Expr.Range() {
			t.Errorf("%q: ranges %v %v, want %v %v", tc.head, got.Range, got.Expr.Range(), want.Range, want.Expr.Range())
		}
	}
}

// A loaded unit keeps its unit.hcl's inputs as text, not as a syntax tree
// (several times the size of the text, for every unit of the command);
// they are parsed again when the unit runs, with the same positions.
func TestLoadedUnitKeepsItsInputsAsText(t *testing.T) {
	st := mustLoad(t, map[string]string{
		"stackctl.hcl":              `project = "shop"`,
		"infra/modules/m/main.tf":   `variable "x" {}`,
		"infra/live/dev/env.hcl":    ``,
		"infra/units/shared.hcl":    "inputs = { y = 2 }\n",
		"infra/live/dev/a/unit.hcl": "source = \"../../../modules/m\"\ninclude \"shared\" { path = \"../../../units/shared.hcl\" }\n\ninputs = {\n  x = 1\n}\n",
	}, "dev")
	u := st.Unit("a")
	own := 0
	for _, ly := range u.layers {
		if ly.inc != nil {
			continue
		}
		own++
		if ly.inputs != nil || ly.savedInputs == nil {
			t.Errorf("the unit.hcl's inputs are kept as a syntax tree (inputs %v, saved %v)", ly.inputs != nil, ly.savedInputs != nil)
		}
	}
	if own != 1 {
		t.Fatalf("%d unit.hcl layers, want 1", own)
	}
	x := inputs(t, st, "a", nil)["x"]
	if x.Range.Start.Line != 5 || !strings.HasSuffix(x.File, "unit.hcl") {
		t.Errorf("x at %s:%d, want unit.hcl:5", x.File, x.Range.Start.Line)
	}
}
