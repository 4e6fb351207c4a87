package config

import (
	"math/big"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// Two values share an intern key exactly when they are equal and of the
// same type: a shared mock_outputs value must never stand in for a
// different one.
func TestInternKeyTellsValuesApart(t *testing.T) {
	precise, _, _ := big.ParseFloat("0.1000000000000000000001", 10, 512, big.ToNearestEven)
	values := []cty.Value{
		cty.StringVal("1"), cty.NumberIntVal(1), cty.True, cty.StringVal("true"),
		cty.NumberFloatVal(0.1), cty.NumberVal(precise),
		cty.NullVal(cty.String), cty.NullVal(cty.Number), cty.StringVal(""),
		cty.EmptyObjectVal, cty.EmptyTupleVal, cty.MapValEmpty(cty.String), cty.ListValEmpty(cty.String), cty.ListValEmpty(cty.Number), cty.SetValEmpty(cty.String),
		cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("mock")}),
		cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("mock2")}),
		cty.ObjectVal(map[string]cty.Value{"id2": cty.StringVal("mock")}),
		cty.MapVal(map[string]cty.Value{"id": cty.StringVal("mock")}),
		cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("b"), "c": cty.StringVal("d")}),
		cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("b,c=d")}),
		cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		cty.TupleVal([]cty.Value{cty.StringVal("ab")}),
		cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
	}
	seen := map[string]cty.Value{}
	for _, v := range values {
		var b strings.Builder
		if !internKey(&b, v) {
			t.Fatalf("no key for %#v", v)
		}
		if prev, dup := seen[b.String()]; dup {
			t.Errorf("%#v and %#v share the key %q", prev, v, b.String())
		}
		seen[b.String()] = v
	}
}

func TestInternSharesEqualValues(t *testing.T) {
	st := &Stack{}
	a := st.intern(cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("mock")}))
	b := st.intern(cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("mock")}))
	if !a.RawEquals(b) {
		t.Fatalf("interned values differ: %#v %#v", a, b)
	}
	kept := 0
	st.interned.Range(func(any, any) bool { kept++; return true })
	if kept != 1 {
		t.Fatalf("two equal values kept %d times, want once", kept)
	}
	secret := cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("mock").Mark(Sensitive)})
	if got := st.intern(secret); !got.RawEquals(secret) {
		t.Fatalf("a marked value was replaced: %#v", got)
	}
}
