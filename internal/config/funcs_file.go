package config

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// fileFunctions returns the filesystem functions, with relative paths taken
// from baseDir (the folder of the file being evaluated), as Terraform does
// relative to the module. The functions that read file contents are
// stackctl's own: they resolve paths against the evaluated file and refuse
// what is not a regular file.
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
		"basename":   filesystem.BasenameFunc,
		"dirname":    filesystem.DirnameFunc,
		"pathexpand": filesystem.PathExpandFunc,
		"fileexists": filesystem.MakeFileExistsFunc(baseDir),
		"fileset":    filesystem.MakeFileSetFunc(baseDir),
		"file": stringFunc("path", func(p string) (string, error) {
			b, err := readRegular(resolve(p))
			if err != nil {
				return "", fileError(p, err)
			}
			if !utf8.Valid(b) {
				return "", fmt.Errorf("%s is not valid UTF-8; use filebase64 for binary files", p)
			}
			return string(b), nil
		}),
		"filebase64": stringFunc("path", func(p string) (string, error) {
			b, err := readRegular(resolve(p))
			if err != nil {
				return "", fileError(p, err)
			}
			return base64.StdEncoding.EncodeToString(b), nil
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

func makeTemplateFileFunc(resolve func(string) string, base, files map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			src, err := readRegular(resolve(p))
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
