package config

import (
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// intern returns a value equal to v that other units may already hold.
// mock_outputs are mostly the same few literals in every dependency block
// (or in an included definition), and each object value costs about 700
// bytes of maps, kept for the whole command. Values with marks or unknowns
// are left alone.
func (s *Stack) intern(v cty.Value) cty.Value {
	if v.ContainsMarked() || !v.IsWhollyKnown() {
		return v
	}
	var b strings.Builder
	b.Grow(64)
	if !internKey(&b, v) {
		return v
	}
	got, _ := s.interned.LoadOrStore(b.String(), v)
	return got.(cty.Value)
}

// internKey writes a key that two known, unmarked values share exactly
// when they are equal and of the same type: numbers with every digit,
// strings and names length-prefixed, and the type of what has no element
// to show it (nulls, collections, which may be empty). It reports false
// for what it cannot describe (capsules).
func internKey(b *strings.Builder, v cty.Value) bool {
	ty := v.Type()
	if v.IsNull() {
		b.WriteString("null(")
		b.WriteString(ty.GoString())
		b.WriteString(")")
		return true
	}
	switch {
	case ty == cty.String:
		writeSized(b, 's', v.AsString())
	case ty == cty.Number:
		b.WriteByte('n')
		b.WriteString(v.AsBigFloat().Text('g', -1))
		b.WriteByte(';')
	case ty == cty.Bool:
		if v.True() {
			b.WriteByte('T')
		} else {
			b.WriteByte('F')
		}
	case ty.IsObjectType():
		return internElems(b, v, 'o', true)
	case ty.IsTupleType():
		return internElems(b, v, 't', false)
	case ty.IsMapType(), ty.IsListType(), ty.IsSetType():
		// list(string) and list(number) differ even when empty.
		b.WriteString(ty.GoString())
		return internElems(b, v, 'c', ty.IsMapType())
	default:
		return false
	}
	return true
}

func internElems(b *strings.Builder, v cty.Value, open byte, named bool) bool {
	b.WriteByte(open)
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if named {
			writeSized(b, '=', k.AsString())
		}
		if !internKey(b, e) {
			return false
		}
	}
	b.WriteByte('.')
	return true
}

func writeSized(b *strings.Builder, tag byte, s string) {
	b.WriteByte(tag)
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(':')
	b.WriteString(s)
}
