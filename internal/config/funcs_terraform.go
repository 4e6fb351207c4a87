package config

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Terraform functions that neither go-cty's stdlib nor go-cty-funcs
// provide (those live in Terraform's own internal/lang/funcs, which cannot
// be imported), or where their version differs from Terraform's.

var (
	startsWithFunc  = stringPredicate(strings.HasPrefix)
	endsWithFunc    = stringPredicate(strings.HasSuffix)
	strContainsFunc = stringPredicate(strings.Contains)

	// base64DecodeFunc stays here: go-cty-funcs' version writes the decoded
	// bytes to the standard logger when they are not UTF-8, and the input
	// may be a secret.
	base64DecodeFunc = stringFunc("str", func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", fmt.Errorf("base64decode: %w", err)
		}
		if !utf8.Valid(b) {
			return "", fmt.Errorf("base64decode: the result is not valid UTF-8")
		}
		return string(b), nil
	})

	base64SHA256Func = stringFunc("str", func(s string) (string, error) {
		sum := sha256.Sum256([]byte(s))
		return base64.StdEncoding.EncodeToString(sum[:]), nil
	})

	// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
	// regular expression (stdlib's replace is literal only).
	replaceFunc = function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			sub := args[1].AsString()
			if len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/") {
				return stdlib.RegexReplace(args[0], cty.StringVal(sub[1:len(sub)-1]), args[2])
			}
			return stdlib.Replace(args[0], args[1], args[2])
		},
	})

	sumFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.Number),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			l := args[0]
			if !l.CanIterateElements() {
				return cty.UnknownVal(cty.Number), fmt.Errorf("sum needs a list or set of numbers")
			}
			total := cty.Zero
			for it := l.ElementIterator(); it.Next(); {
				_, v := it.Element()
				n, err := convert.Convert(v, cty.Number)
				if err != nil || n.IsNull() {
					return cty.UnknownVal(cty.Number), fmt.Errorf("sum needs a list or set of numbers")
				}
				total = total.Add(n)
			}
			return total, nil
		},
	})

	allTrueFunc = boolListFunc(true)
	anyTrueFunc = boolListFunc(false)

	oneFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
		Type: func(args []cty.Value) (cty.Type, error) {
			ty := args[0].Type()
			if ty.IsListType() || ty.IsSetType() {
				return ty.ElementType(), nil
			}
			if ty.IsTupleType() {
				if len(ty.TupleElementTypes()) == 0 {
					return cty.DynamicPseudoType, nil
				}
				return ty.TupleElementTypes()[0], nil
			}
			return cty.NilType, fmt.Errorf("one needs a list, set or tuple")
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			l := args[0]
			switch n := l.LengthInt(); n {
			case 0:
				return cty.NullVal(ret), nil
			case 1:
				it := l.ElementIterator()
				it.Next()
				_, v := it.Element()
				return v, nil
			default:
				return cty.NilVal, fmt.Errorf("one needs at most one element, got %d", n)
			}
		},
	})

	// indexFunc is Terraform's index(list, value); stdlib's IndexFunc is
	// the list[i] operator.
	indexFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.Number),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if !(args[0].Type().IsListType() || args[0].Type().IsTupleType()) {
				return cty.NilVal, fmt.Errorf("index needs a list or tuple")
			}
			for it := args[0].ElementIterator(); it.Next(); {
				i, v := it.Element()
				if eq := v.Equals(args[1]); eq.IsKnown() && eq.True() {
					return i, nil
				}
			}
			return cty.NilVal, fmt.Errorf("index: the value is not in the list")
		},
	})
)

func boolListFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				if v.IsNull() {
					if all {
						return cty.False, nil
					}
					continue
				}
				if v.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

func stringFunc(param string, f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: param, Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(s), nil
		},
	})
}

func stringPredicate(f func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

// lengthFunc is Terraform's length: of a string (in characters), a list,
// tuple, set or map — and of an object, which go-cty's refuses (a module
// output built with a for expression is an object in state).
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true, AllowMarked: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		t := args[0].Type()
		switch {
		case t == cty.String, t == cty.DynamicPseudoType, t.IsListType(), t.IsTupleType(), t.IsSetType(), t.IsMapType(), t.IsObjectType():
			return cty.Number, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "argument must be a string, a collection type, or a structural type")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		t := v.Type()
		if !v.IsKnown() {
			return cty.UnknownVal(cty.Number).WithMarks(marks), nil
		}
		if v.IsNull() {
			return cty.NilVal, function.NewArgErrorf(0, "argument must not be null")
		}
		switch {
		case t == cty.String:
			n, err := stdlib.Strlen(v)
			return n.WithMarks(marks), err
		case t.IsObjectType():
			return cty.NumberIntVal(int64(len(t.AttributeTypes()))).WithMarks(marks), nil
		}
		return v.Length().WithMarks(marks), nil
	},
})
