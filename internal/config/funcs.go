package config

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/stackctl/stackctl/internal/glob"
)

// baseFunctions returns the functions that do not depend on which file is
// being evaluated: Terraform's common library (as far as go-cty provides it or
// it is a few lines) plus get_env and ssm_parameter. It is built once per
// invocation; file functions live in a child context per file.
func baseFunctions(getenv func(string) (string, bool), ssm function.Function) map[string]function.Function {
	fns := map[string]function.Function{
		// numeric
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,
		"sum":      sumFunc,

		// strings
		"chomp":       stdlib.ChompFunc,
		"endswith":    endsWithFunc,
		"format":      stdlib.FormatFunc,
		"formatlist":  stdlib.FormatListFunc,
		"indent":      stdlib.IndentFunc,
		"join":        stdlib.JoinFunc,
		"lower":       stdlib.LowerFunc,
		"regex":       stdlib.RegexFunc,
		"regexall":    stdlib.RegexAllFunc,
		"replace":     replaceFunc,
		"split":       stdlib.SplitFunc,
		"startswith":  startsWithFunc,
		"strcontains": strContainsFunc,
		"strrev":      stdlib.ReverseFunc,
		"substr":      stdlib.SubstrFunc,
		"title":       stdlib.TitleFunc,
		"trim":        stdlib.TrimFunc,
		"trimprefix":  stdlib.TrimPrefixFunc,
		"trimspace":   stdlib.TrimSpaceFunc,
		"trimsuffix":  stdlib.TrimSuffixFunc,
		"upper":       stdlib.UpperFunc,

		// collections
		"alltrue":         allTrueFunc,
		"anytrue":         anyTrueFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        coalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           indexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          stdlib.LengthFunc,
		"lookup":          stdlib.LookupFunc,
		"merge":           stdlib.MergeFunc,
		"one":             oneFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,

		// encoding
		"base64decode": base64DecodeFunc,
		"base64encode": base64EncodeFunc,
		"csvdecode":    stdlib.CSVDecodeFunc,
		"jsondecode":   stdlib.JSONDecodeFunc,
		"jsonencode":   stdlib.JSONEncodeFunc,
		"urlencode":    urlEncodeFunc,

		// hashing
		"base64sha256": makeHashFunc(sha256.New, true),
		"md5":          makeHashFunc(md5.New, false),
		"sha1":         makeHashFunc(sha1.New, false),
		"sha256":       makeHashFunc(sha256.New, false),
		"sha512":       makeHashFunc(sha512.New, false),

		// dates
		"formatdate": stdlib.FormatDateFunc,
		"timeadd":    stdlib.TimeAddFunc,

		// networking
		"cidrhost":    cidrHostFunc,
		"cidrnetmask": cidrNetmaskFunc,
		"cidrsubnet":  cidrSubnetFunc,

		// types
		"can":          tryfunc.CanFunc,
		"try":          tryfunc.TryFunc,
		"tobool":       stdlib.MakeToFunc(cty.Bool),
		"tolist":       stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":        stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":     stdlib.MakeToFunc(cty.Number),
		"toset":        stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":     stdlib.MakeToFunc(cty.String),
		"sensitive":    sensitiveFunc,
		"nonsensitive": nonsensitiveFunc,

		// stackctl
		"get_env":       makeGetEnvFunc(getenv),
		"ssm_parameter": ssm,
	}
	return fns
}

// fileFunctions returns the filesystem functions, with relative paths taken
// from baseDir (the folder of the file being evaluated), as Terraform does
// relative to the module.
func fileFunctions(baseDir string, base map[string]function.Function) map[string]function.Function {
	resolve := func(p string) string {
		p = expandHome(p)
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(baseDir, p)
	}
	fns := map[string]function.Function{
		"abspath":    stringFunc("path", func(p string) (string, error) { return filepath.Abs(resolve(p)) }),
		"basename":   stringFunc("path", func(p string) (string, error) { return filepath.Base(p), nil }),
		"dirname":    stringFunc("path", func(p string) (string, error) { return filepath.Dir(p), nil }),
		"pathexpand": stringFunc("path", func(p string) (string, error) { return expandHome(p), nil }),
		"file": stringFunc("path", func(p string) (string, error) {
			b, err := os.ReadFile(resolve(p))
			if err != nil {
				return "", fileError(p, err)
			}
			if !utf8.Valid(b) {
				return "", fmt.Errorf("%s is not valid UTF-8; use filebase64 for binary files", p)
			}
			return string(b), nil
		}),
		"filebase64": stringFunc("path", func(p string) (string, error) {
			b, err := os.ReadFile(resolve(p))
			if err != nil {
				return "", fileError(p, err)
			}
			return base64.StdEncoding.EncodeToString(b), nil
		}),
		"fileexists": function.New(&function.Spec{
			Params: []function.Parameter{{Name: "path", Type: cty.String}},
			Type:   function.StaticReturnType(cty.Bool),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				info, err := os.Stat(resolve(args[0].AsString()))
				if err != nil {
					if os.IsNotExist(err) {
						return cty.False, nil
					}
					return cty.UnknownVal(cty.Bool), err
				}
				return cty.BoolVal(info.Mode().IsRegular()), nil
			},
		}),
		"fileset": function.New(&function.Spec{
			Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
			Type:   function.StaticReturnType(cty.Set(cty.String)),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				dir := resolve(args[0].AsString())
				matches, err := fileset(dir, args[1].AsString())
				if err != nil {
					return cty.UnknownVal(cty.Set(cty.String)), err
				}
				if len(matches) == 0 {
					return cty.SetValEmpty(cty.String), nil
				}
				vals := make([]cty.Value, len(matches))
				for i, m := range matches {
					vals[i] = cty.StringVal(m)
				}
				return cty.SetVal(vals), nil
			},
		}),
	}
	fns["templatefile"] = makeTemplateFileFunc(resolve, base, fns)
	return fns
}

func fileError(p string, err error) error {
	if os.IsNotExist(err) {
		return fmt.Errorf("no file %s", p)
	}
	return err
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, strings.TrimPrefix(p, "~"))
		}
	}
	return p
}

// fileset matches pattern (with ** for any depth) against the regular files
// under dir and returns '/'-separated paths relative to dir, sorted.
func fileset(dir, pattern string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if glob.Match(pattern, rel) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

func makeTemplateFileFunc(resolve func(string) string, base, files map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			src, err := os.ReadFile(resolve(p))
			if err != nil {
				return cty.UnknownVal(cty.String), fileError(p, err)
			}
			expr, diags := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.UnknownVal(cty.String), diags
			}
			vars := args[1]
			if !vars.Type().IsObjectType() && !vars.Type().IsMapType() {
				return cty.UnknownVal(cty.String), fmt.Errorf("templatefile: vars must be an object or map")
			}
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: map[string]function.Function{}}
			for k, v := range base {
				ctx.Functions[k] = v
			}
			for k, v := range files {
				if k != "templatefile" { // no recursion, as in Terraform
					ctx.Functions[k] = v
				}
			}
			if !vars.IsNull() {
				for it := vars.ElementIterator(); it.Next(); {
					k, v := it.Element()
					ctx.Variables[k.AsString()] = v
				}
			}
			val, diags := expr.Value(ctx)
			if diags.HasErrors() {
				return cty.UnknownVal(cty.String), diags
			}
			val, err = convert.Convert(val, cty.String)
			if err != nil {
				return cty.UnknownVal(cty.String), fmt.Errorf("templatefile: result is not a string: %w", err)
			}
			return val, nil
		},
	})
}

func makeGetEnvFunc(getenv func(string) (string, bool)) function.Function {
	return function.New(&function.Spec{
		Params:   []function.Parameter{{Name: "name", Type: cty.String}},
		VarParam: &function.Parameter{Name: "default", Type: cty.String},
		Type:     function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 2 {
				return cty.UnknownVal(cty.String), fmt.Errorf("get_env takes a name and an optional default")
			}
			name := args[0].AsString()
			if v, ok := getenv(name); ok {
				return cty.StringVal(v), nil
			}
			if len(args) == 2 {
				return args[1], nil
			}
			return cty.UnknownVal(cty.String), fmt.Errorf("environment variable %s is not set; set it, or give get_env a default: get_env(%q, \"...\")", name, name)
		},
	})
}

// SSMGetter reads one SSM parameter, decrypted; secure reports a
// SecureString.
type SSMGetter func(name string) (value string, secure bool, err error)

func makeSSMFunc(get SSMGetter) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "name", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if get == nil {
				return cty.UnknownVal(cty.String), fmt.Errorf("ssm_parameter is not available in this command")
			}
			v, secure, err := get(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			out := cty.StringVal(v)
			if secure {
				out = out.Mark(Sensitive)
			}
			return out, nil
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

var (
	startsWithFunc  = stringPredicate(strings.HasPrefix)
	endsWithFunc    = stringPredicate(strings.HasSuffix)
	strContainsFunc = stringPredicate(strings.Contains)

	base64EncodeFunc = stringFunc("str", func(s string) (string, error) {
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	})
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
	urlEncodeFunc = stringFunc("str", func(s string) (string, error) { return url.QueryEscape(s), nil })

	// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
	// regular expression.
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

	sensitiveFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowMarked: true, AllowNull: true, AllowUnknown: true}},
		Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return args[0].Mark(Sensitive), nil
		},
	})
	nonsensitiveFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowMarked: true, AllowNull: true, AllowUnknown: true}},
		Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, _ := args[0].Unmark()
			return v, nil
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

	// coalesceFunc is Terraform's coalesce: the first argument that is
	// neither null nor an empty string (go-cty's only skips nulls).
	coalesceFunc = function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowNull: true},
		Type: func(args []cty.Value) (cty.Type, error) {
			types := make([]cty.Type, len(args))
			for i, a := range args {
				types[i] = a.Type()
			}
			ty, _ := convert.UnifyUnsafe(types)
			if ty == cty.NilType {
				return cty.NilType, fmt.Errorf("coalesce: all arguments must have the same type")
			}
			return ty, nil
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			for _, a := range args {
				v, err := convert.Convert(a, ret)
				if err != nil {
					return cty.NilVal, err
				}
				if v.IsNull() || (v.Type() == cty.String && v.IsKnown() && v.AsString() == "") {
					continue
				}
				return v, nil
			}
			return cty.NilVal, fmt.Errorf("coalesce: no non-null, non-empty argument")
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

	cidrHostFunc = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			prefix, err := netip.ParsePrefix(args[0].AsString())
			if err != nil {
				return cty.NilVal, fmt.Errorf("cidrhost: %w", err)
			}
			n, _ := args[1].AsBigFloat().Int(nil)
			addr, err := addToAddr(prefix.Masked().Addr(), n, prefix.Bits())
			if err != nil {
				return cty.NilVal, fmt.Errorf("cidrhost: %w", err)
			}
			return cty.StringVal(addr.String()), nil
		},
	})

	cidrNetmaskFunc = stringFunc("prefix", func(s string) (string, error) {
		prefix, err := netip.ParsePrefix(s)
		if err != nil || !prefix.Addr().Is4() {
			return "", fmt.Errorf("cidrnetmask needs an IPv4 CIDR prefix, got %q", s)
		}
		return net.IP(net.CIDRMask(prefix.Bits(), 32)).String(), nil
	})

	cidrSubnetFunc = function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			prefix, err := netip.ParsePrefix(args[0].AsString())
			if err != nil {
				return cty.NilVal, fmt.Errorf("cidrsubnet: %w", err)
			}
			newbits, _ := args[1].AsBigFloat().Int64()
			netnum, _ := args[2].AsBigFloat().Int(nil)
			bits := prefix.Bits() + int(newbits)
			if bits > prefix.Addr().BitLen() {
				return cty.NilVal, fmt.Errorf("cidrsubnet: %d new bits would make a /%d, longer than the address", newbits, bits)
			}
			if netnum.Sign() < 0 || netnum.BitLen() > int(newbits) {
				return cty.NilVal, fmt.Errorf("cidrsubnet: network number %s does not fit in %d bits", netnum, newbits)
			}
			shift := new(big.Int).Lsh(netnum, uint(prefix.Addr().BitLen()-bits))
			addr, err := addToAddr(prefix.Masked().Addr(), shift, prefix.Bits())
			if err != nil {
				return cty.NilVal, fmt.Errorf("cidrsubnet: %w", err)
			}
			return cty.StringVal(netip.PrefixFrom(addr, bits).String()), nil
		},
	})
)

func addToAddr(base netip.Addr, n *big.Int, bits int) (netip.Addr, error) {
	raw := base.AsSlice()
	v := new(big.Int).SetBytes(raw)
	hostBits := base.BitLen() - bits
	if n.Sign() < 0 {
		n = new(big.Int).Add(n, new(big.Int).Lsh(big.NewInt(1), uint(hostBits)))
	}
	if n.Sign() < 0 || n.BitLen() > hostBits {
		return netip.Addr{}, fmt.Errorf("host number %s does not fit in a /%d", n, bits)
	}
	v.Add(v, n)
	out := v.FillBytes(make([]byte, len(raw)))
	addr, _ := netip.AddrFromSlice(out)
	return addr, nil
}

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

func makeHashFunc(h func() hash.Hash, b64 bool) function.Function {
	return stringFunc("str", func(s string) (string, error) {
		hh := h()
		hh.Write([]byte(s))
		sum := hh.Sum(nil)
		if b64 {
			return base64.StdEncoding.EncodeToString(sum), nil
		}
		return hex.EncodeToString(sum), nil
	})
}
