package convert

import (
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// evaluator works out, without running Terragrunt, what Terragrunt would
// compute for the parts of a configuration that decide the tree's shape.
// Anything that depends on the world (get_env, run_cmd, AWS identity,
// dependency outputs) is unknown; an expression that fails is unknown too,
// and the caller reports what it could not work out.
type evaluator struct {
	c      *converter
	locals map[evalKey]cty.Value
	busy   map[evalKey]bool
}

// evalKey is a file evaluated as part of a configuration: Terragrunt
// evaluates included files in the including unit's context (config), and a
// file read with read_terragrunt_config in its own.
type evalKey struct {
	file, config string
}

func newEvaluator(c *converter) *evaluator {
	return &evaluator{c: c, locals: map[evalKey]cty.Value{}, busy: map[evalKey]bool{}}
}

// eval evaluates e of file f as part of the configuration at config (the
// unit u's terragrunt.hcl, or a file read on its own with u nil).
// withInclude makes include.<label>.locals available (a unit's own file).
func (ev *evaluator) eval(f *tgFile, e hcl.Expression, config string, u *tgUnit, withInclude bool) cty.Value {
	ctx := ev.context(f, config, u, withInclude)
	v, diags := e.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

func (ev *evaluator) context(f *tgFile, config string, u *tgUnit, withInclude bool) *hcl.EvalContext {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"local":      ev.fileLocals(f, config, u, withInclude),
			"dependency": cty.DynamicVal,
			"feature":    cty.DynamicVal,
		},
		Functions: ev.functions(config, u),
	}
	if withInclude && u != nil {
		incs := map[string]cty.Value{}
		for _, inc := range u.includes {
			incs[inc.label] = cty.ObjectVal(map[string]cty.Value{"locals": ev.fileLocals(inc.file, config, u, false)})
		}
		ctx.Variables["include"] = cty.ObjectVal(incs)
	}
	return ctx
}

// fileLocals evaluates f's locals, which may refer to each other in any
// order: each pass evaluates those whose references are known, until none
// is left or a pass makes no progress (a cycle, or a reference to
// something unknown: those locals stay unknown).
func (ev *evaluator) fileLocals(f *tgFile, config string, u *tgUnit, withInclude bool) cty.Value {
	key := evalKey{f.path, config}
	if !withInclude {
		if v, ok := ev.locals[key]; ok {
			return v
		}
	}
	if ev.busy[key] {
		return cty.DynamicVal
	}
	ev.busy[key] = true
	defer delete(ev.busy, key)
	done := map[string]cty.Value{}
	for pass := 0; pass <= len(f.locals); pass++ {
		progress := false
		for name, a := range f.locals {
			if _, ok := done[name]; ok {
				continue
			}
			ready := true
			for _, t := range a.Expr.Variables() {
				if t.RootName() != "local" || len(t) < 2 {
					continue
				}
				if step, ok := t[1].(hcl.TraverseAttr); ok {
					if _, ok := done[step.Name]; !ok && f.locals[step.Name] != nil {
						ready = false
					}
				}
			}
			if !ready {
				continue
			}
			ctx := &hcl.EvalContext{
				Variables: map[string]cty.Value{"local": objectOf(done, f.locals), "dependency": cty.DynamicVal, "feature": cty.DynamicVal},
				Functions: ev.functions(config, u),
			}
			if withInclude && u != nil {
				incs := map[string]cty.Value{}
				for _, inc := range u.includes {
					incs[inc.label] = cty.ObjectVal(map[string]cty.Value{"locals": ev.fileLocals(inc.file, config, u, false)})
				}
				ctx.Variables["include"] = cty.ObjectVal(incs)
			}
			v, diags := a.Expr.Value(ctx)
			if diags.HasErrors() {
				v = cty.DynamicVal
			}
			done[name] = v
			progress = true
		}
		if !progress {
			break
		}
	}
	v := objectOf(done, f.locals)
	if !withInclude {
		ev.locals[key] = v
	}
	return v
}

// objectOf is the local object: evaluated locals, the rest unknown.
func objectOf(done map[string]cty.Value, all map[string]*hclsyntax.Attribute) cty.Value {
	m := map[string]cty.Value{}
	for name := range all {
		if v, ok := done[name]; ok {
			m[name] = v
		} else {
			m[name] = cty.DynamicVal
		}
	}
	return cty.ObjectVal(m)
}

// readConfig is read_terragrunt_config(path): the file evaluated on its
// own, as {locals = {...}}.
func (ev *evaluator) readConfig(path string) (cty.Value, error) {
	f, diags := ev.c.parse(path)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return cty.ObjectVal(map[string]cty.Value{"locals": ev.fileLocals(f, path, nil, false)}), nil
}

// functions are Terragrunt's path functions as seen from config (and the
// root include of u), Terraform's pure functions, and unknown results for
// the functions that read the world.
func (ev *evaluator) functions(config string, u *tgUnit) map[string]function.Function {
	dir := filepath.Dir(config)
	parentDir := dir
	if u != nil && u.rootInc != nil {
		parentDir = filepath.Dir(u.rootInc.file.path)
	}
	str := func(fn func(args []cty.Value) (string, error), params ...function.Parameter) function.Function {
		return function.New(&function.Spec{
			Params: params,
			Type:   function.StaticReturnType(cty.String),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				s, err := fn(args)
				return cty.StringVal(s), err
			},
		})
	}
	optional := func(name string) *function.Parameter { return &function.Parameter{Name: name, Type: cty.String} }
	unknown := function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true},
		Type:     function.StaticReturnType(cty.DynamicPseudoType),
		Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, nil },
	})
	unknownString := function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true},
		Type:     function.StaticReturnType(cty.String),
		Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.UnknownVal(cty.String), nil },
	})
	fns := map[string]function.Function{
		"find_in_parent_folders": function.New(&function.Spec{
			VarParam: optional("name"),
			Type:     function.StaticReturnType(cty.String),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				name := unitFileName
				if len(args) > 0 {
					name = args[0].AsString()
				}
				if p, ok := findInParents(dir, name); ok {
					return cty.StringVal(p), nil
				}
				if len(args) > 1 {
					return args[1], nil
				}
				return cty.DynamicVal, notFoundError{}
			},
		}),
		"get_terragrunt_dir":          str(func([]cty.Value) (string, error) { return dir, nil }),
		"get_original_terragrunt_dir": str(func([]cty.Value) (string, error) { return dir, nil }),
		"get_parent_terragrunt_dir": function.New(&function.Spec{VarParam: optional("name"), Type: function.StaticReturnType(cty.String),
			Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.StringVal(parentDir), nil }}),
		"path_relative_to_include": function.New(&function.Spec{VarParam: optional("name"), Type: function.StaticReturnType(cty.String),
			Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.StringVal(relSlash(parentDir, dir)), nil }}),
		"path_relative_from_include": function.New(&function.Spec{VarParam: optional("name"), Type: function.StaticReturnType(cty.String),
			Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.StringVal(relSlash(dir, parentDir)), nil }}),
		"get_repo_root": str(func([]cty.Value) (string, error) { return ev.c.dir, nil }),
		"read_terragrunt_config": function.New(&function.Spec{
			Params:   []function.Parameter{{Name: "path", Type: cty.String}},
			VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType},
			Type:     function.StaticReturnType(cty.DynamicPseudoType),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				p := absFrom(dir, args[0].AsString())
				if !fileExists(p) && len(args) > 1 {
					return args[1], nil
				}
				return ev.readConfig(p)
			},
		}),
		"dirname":  str(func(a []cty.Value) (string, error) { return filepath.Dir(a[0].AsString()), nil }, function.Parameter{Name: "path", Type: cty.String}),
		"basename": str(func(a []cty.Value) (string, error) { return filepath.Base(a[0].AsString()), nil }, function.Parameter{Name: "path", Type: cty.String}),
		"abspath":  str(func(a []cty.Value) (string, error) { return absFrom(dir, a[0].AsString()), nil }, function.Parameter{Name: "path", Type: cty.String}),
		"get_env":  unknownString,
	}
	for _, name := range []string{"run_cmd", "sops_decrypt_file", "get_aws_account_id", "get_aws_account_alias", "get_aws_caller_identity_arn",
		"get_aws_caller_identity_user_id", "get_terraform_command", "get_terraform_cli_args", "get_platform", "get_working_dir",
		"read_tfvars_file", "timestamp", "uuid", "file", "templatefile", "fileexists"} {
		fns[name] = unknown
	}
	for name, fn := range map[string]function.Function{
		"format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc, "join": stdlib.JoinFunc, "split": stdlib.SplitFunc,
		"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "title": stdlib.TitleFunc, "replace": stdlib.ReplaceFunc,
		"trimspace": stdlib.TrimSpaceFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"substr": stdlib.SubstrFunc, "chomp": stdlib.ChompFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"merge": stdlib.MergeFunc, "concat": stdlib.ConcatFunc, "lookup": stdlib.LookupFunc, "keys": stdlib.KeysFunc,
		"values": stdlib.ValuesFunc, "length": stdlib.LengthFunc, "element": stdlib.ElementFunc, "contains": stdlib.ContainsFunc,
		"coalesce": stdlib.CoalesceFunc, "compact": stdlib.CompactFunc, "distinct": stdlib.DistinctFunc, "flatten": stdlib.FlattenFunc,
		"zipmap": stdlib.ZipmapFunc, "reverse": stdlib.ReverseListFunc, "sort": stdlib.SortFunc, "range": stdlib.RangeFunc,
		"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "min": stdlib.MinFunc, "max": stdlib.MaxFunc,
		"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number), "tobool": stdlib.MakeToFunc(cty.Bool),
	} {
		fns[name] = fn
	}
	return fns
}

type notFoundError struct{}

func (notFoundError) Error() string { return "not found in any parent folder" }

// findInParents is Terragrunt's find_in_parent_folders: the search starts
// in the parent of the configuration's folder.
func findInParents(dir, name string) (string, bool) {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		p := filepath.Join(d, filepath.FromSlash(name))
		if fileExists(p) {
			return p, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

func relSlash(from, to string) string {
	r, err := filepath.Rel(from, to)
	if err != nil {
		return to
	}
	return filepath.ToSlash(r)
}

// stringValue returns v as a Go string when it is a known string.
func stringValue(v cty.Value) (string, bool) {
	if !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// isLocalPath follows go-getter: local module sources start with ./, ../
// or /.
func isLocalPath(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") || s == "." || s == ".."
}
