package config

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

func eval(t *testing.T, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	fns := baseFunctions(func(k string) (string, bool) {
		if k == "SET" {
			return "yes", true
		}
		return "", false
	}, makeSSMFunc(func(name string) (string, bool, error) { return "s3cr3t-" + name, true, nil }))
	for k, v := range fileFunctions(t.TempDir(), fns) {
		fns[k] = v
	}
	return expr.Value(&hcl.EvalContext{Functions: fns})
}

func TestFunctions(t *testing.T) {
	cases := map[string]string{
		`cidrsubnet("10.0.0.0/16", 4, 15)`:        "10.0.240.0/20",
		`cidrsubnet("10.1.0.0/16", 8, 0)`:         "10.1.0.0/24",
		`cidrhost("10.0.0.0/24", 5)`:              "10.0.0.5",
		`cidrhost("10.0.0.0/24", -1)`:             "10.0.0.255",
		`cidrnetmask("10.0.0.0/20")`:              "255.255.240.0",
		`replace("a-b-c", "-", "_")`:              "a_b_c",
		`replace("a1b22", "/[0-9]+/", "#")`:       "a#b#",
		`get_env("SET", "no")`:                    "yes",
		`get_env("UNSET", "no")`:                  "no",
		`format("%s-%03d", "web", 7)`:             "web-007",
		`join(",", sort(["b", "a"]))`:             "a,b",
		`upper(trimprefix("env-prod", "env-"))`:   "PROD",
		`jsonencode({a = [1, true]})`:             `{"a":[1,true]}`,
		`tostring(sum([1, 2, 3.5]))`:              "6.5",
		`tostring(index(["a", "b"], "b"))`:        "1",
		`tostring(one(["only"]))`:                 "only",
		`tostring(alltrue([true, true]))`:         "true",
		`md5("x")`:                                "9dd4e461268c8034f5c8564e155c67a6",
		`urlencode("a b&c")`:                      "a+b%26c",
		`nonsensitive(sensitive("visible"))`:      "visible",
		`coalesce("", "second")`:                  "second",
		`tostring(startswith("prod-eu", "prod"))`: "true",
	}
	for src, want := range cases {
		v, diags := eval(t, src)
		if diags.HasErrors() {
			t.Errorf("%s: %s", src, diags.Error())
			continue
		}
		v, _ = v.Unmark()
		if v.Type() != cty.String || v.AsString() != want {
			t.Errorf("%s = %#v, want %q", src, v, want)
		}
	}
}

func TestSSMSecureStringIsSensitive(t *testing.T) {
	v, diags := eval(t, `"postgres://app:${ssm_parameter("/db/password")}@db"`)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if !v.HasMark(Sensitive) {
		t.Fatal("a value built from a SecureString must stay sensitive")
	}
}

func TestFunctionErrors(t *testing.T) {
	for _, src := range []string{`get_env("UNSET")`, `cidrsubnet("10.0.0.0/16", 4, 16)`, `one([1, 2])`, `file("missing.txt")`} {
		if _, diags := eval(t, src); !diags.HasErrors() {
			t.Errorf("%s: no error", src)
		}
	}
}
