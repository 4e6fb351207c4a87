package convert

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// roleSettings are Terragrunt's role attributes and env.hcl's assume_role
// settings they become.
var roleSettings = []struct{ tg, st string }{
	{"iam_role", "role_arn"},
	{"iam_assume_role_session_name", "session_name"},
	{"iam_assume_role_duration", "duration"},
}

// effectiveAttr is the attribute as Terragrunt merges it for u: the unit's
// own over its includes', a later include over an earlier one.
func effectiveAttr(u *tgUnit, name string) (*hclsyntax.Attribute, *tgFile) {
	files := []*tgFile{}
	for _, inc := range u.includes {
		files = append(files, inc.file)
	}
	files = append(files, u.file)
	for i := len(files) - 1; i >= 0; i-- {
		if a := files[i].body.Attributes[name]; a != nil {
			return a, files[i]
		}
	}
	return nil, nil
}

// envRole is env.hcl's assume_role block for e: Terragrunt assumes a role
// per unit (iam_role, merged through includes), stackctl one per
// environment, so it is converted when every unit of e assumes the same
// one, worked out as Terragrunt would for each.
func (c *converter) envRole(e *tgEnv) string {
	var lines []string
	for _, s := range roleSettings {
		val, set, unset, bad := "", 0, 0, false
		var last *hclsyntax.Attribute
		for _, u := range e.units {
			a, f := effectiveAttr(u, s.tg)
			if a == nil {
				unset++
				continue
			}
			last = a
			text, problem := roleValue(s.tg, c.ev.eval(f, a.Expr, u.file.path, u, f == u.file))
			if problem != "" {
				c.issue(a.SrcRange, s.tg, problem)
				bad = true
				break
			}
			if set > 0 && text != val {
				c.issue(a.SrcRange, s.tg, fmt.Sprintf("is %s for some units of %s and %s for others: stackctl assumes one role per environment (env.hcl's assume_role)", val, e.name, text))
				bad = true
				break
			}
			val, set = text, set+1
		}
		switch {
		case bad || set == 0:
		case unset > 0:
			c.issue(last.SrcRange, s.tg, fmt.Sprintf("is set for some units of %s only: stackctl assumes one role per environment (env.hcl's assume_role)", e.name))
		case s.st == "role_arn" || len(lines) > 0:
			lines = append(lines, fmt.Sprintf("%s = %q\n", s.st, val))
		default:
			c.issue(last.SrcRange, s.tg, "is set without iam_role")
		}
	}
	if len(lines) == 0 {
		return ""
	}
	out := "\n# Terragrunt's iam_role: every AWS call of the environment, terraform's and stackctl's, is made as it.\nassume_role {\n"
	for _, l := range lines {
		out += l
	}
	return out + "}\n"
}

// roleValue is a role setting as env.hcl writes it: strings as they are,
// iam_assume_role_duration (seconds) as a duration. problem says why a
// value cannot be converted, "" when it can.
func roleValue(name string, v cty.Value) (text, problem string) {
	const unknown = "cannot be worked out without running Terragrunt; env.hcl's assume_role needs a value known per environment"
	if name != "iam_assume_role_duration" {
		if text, ok := stringValue(v); ok {
			return text, ""
		}
		return "", unknown
	}
	if !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.Number {
		return "", unknown
	}
	n, acc := v.AsBigFloat().Int64()
	switch {
	case acc != big.Exact:
		return "", "is not a whole number of seconds"
	case n == 0:
		// Terragrunt takes 0 for unset: its default session, an hour.
		n = 3600
	case n < 900 || n > 43200:
		return "", fmt.Sprintf("is %d seconds: an assumed role's session lasts from 900 (15m) to 43200 (12h), which stackctl's duration checks", n)
	}
	switch {
	case n%3600 == 0:
		return fmt.Sprintf("%dh", n/3600), ""
	case n%60 == 0:
		return fmt.Sprintf("%dm", n/60), ""
	}
	return fmt.Sprintf("%ds", n), ""
}
