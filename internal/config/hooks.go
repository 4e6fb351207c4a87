package config

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// HookKind says when a hook runs.
type HookKind string

// The hook kinds, Terragrunt's names.
const (
	BeforeHook HookKind = "before_hook"
	AfterHook  HookKind = "after_hook"
	ErrorHook  HookKind = "error_hook"
)

// HookSteps are the terraform steps a hook can name in commands.
var HookSteps = []string{"init", "validate", "plan", "apply", "destroy", "run"}

// Hook is a command run around a terraform step of a unit, in the unit's
// working folder with the unit's environment.
type Hook struct {
	Kind     HookKind
	Name     string
	Commands []string // the steps it runs around
	Execute  []string // the program and its arguments
	// RunOnError runs an after_hook when the step failed too.
	RunOnError bool
	// OnErrors are the error patterns an error_hook answers (default:
	// any error).
	OnErrors []*regexp.Regexp
	Range    hcl.Range
}

// Applies reports whether the hook runs around step.
func (h Hook) Applies(step string) bool { return slices.Contains(h.Commands, step) }

var hookSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "commands", Required: true}, {Name: "execute", Required: true}, {Name: "run_on_error"}, {Name: "on_errors"},
}}

func isHook(b *hcl.Block) bool {
	return b.Type == string(BeforeHook) || b.Type == string(AfterHook) || b.Type == string(ErrorHook)
}

// mergeHooks merges the hooks of stackctl.hcl, env.hcl, the included files
// and the unit.hcl by kind and name, as generate blocks merge, and
// evaluates them for u.
func (l *Loader) mergeHooks(st *Stack, u *Unit, rootCtx *hcl.EvalContext) hcl.Diagnostics {
	order, final, diags := l.mergeNamed(st, u, rootCtx, st.Root.hooks, st.Env.hooks, func(b *hcl.Block) (string, bool) {
		if !isHook(b) {
			return "", false
		}
		return b.Type + " " + b.Labels[0], true
	}, "hook")
	for _, key := range order {
		h, d := evalHook(final[key])
		diags = append(diags, d...)
		if h != nil {
			u.Hooks = append(u.Hooks, *h)
		}
	}
	return diags
}

func evalHook(d generateDecl) (*Hook, hcl.Diagnostics) {
	c, diags := d.b.Body.Content(hookSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	h := &Hook{Kind: HookKind(d.b.Type), Name: d.b.Labels[0], Range: d.b.DefRange}
	strs := func(a *hcl.Attribute, what string) []string {
		v, dd := evalExpr(a.Expr, d.ctx, d.sc)
		diags = append(diags, dd...)
		if dd.HasErrors() {
			return nil
		}
		if IsSensitive(v) {
			diags = append(diags, attrError(a, "Sensitive value in a hook", "a hook's "+a.Name+" is shown in logs: pass secrets to the program through the environment instead."))
			return nil
		}
		if v.IsNull() || !v.CanIterateElements() || !v.IsWhollyKnown() {
			diags = append(diags, attrError(a, "Invalid "+a.Name, what))
			return nil
		}
		var out []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.Type() != cty.String {
				diags = append(diags, attrError(a, "Invalid "+a.Name, what))
				return nil
			}
			out = append(out, e.AsString())
		}
		return out
	}
	h.Commands = strs(c.Attributes["commands"], `commands lists the terraform steps the hook runs around: commands = ["plan", "apply"].`)
	for _, s := range h.Commands {
		if !slices.Contains(HookSteps, s) {
			diags = append(diags, attrError(c.Attributes["commands"], "Unknown step in commands", fmt.Sprintf("%q is not a step stackctl runs; hooks run around %v.", s, HookSteps)))
		}
	}
	h.Execute = strs(c.Attributes["execute"], `execute is the program and its arguments as a list: execute = ["tflint", "--minimum-failure-severity=error"].`)
	if c.Attributes["execute"] != nil && len(h.Execute) == 0 && !diags.HasErrors() {
		diags = append(diags, attrError(c.Attributes["execute"], "Empty execute", "execute needs at least the program to run."))
	}
	if a := c.Attributes["run_on_error"]; a != nil {
		if h.Kind != AfterHook {
			diags = append(diags, attrError(a, "run_on_error in a "+string(h.Kind), "run_on_error belongs in an after_hook: a before_hook runs before any error, an error_hook only on one."))
		} else {
			v, dd := evalExpr(a.Expr, d.ctx, d.sc)
			diags = append(diags, dd...)
			if !dd.HasErrors() {
				if v.Type() != cty.Bool || !v.IsKnown() || v.IsNull() {
					diags = append(diags, attrError(a, "Invalid run_on_error", "run_on_error is true or false."))
				} else {
					h.RunOnError = v.True()
				}
			}
		}
	}
	if a := c.Attributes["on_errors"]; a != nil {
		if h.Kind != ErrorHook {
			diags = append(diags, attrError(a, "on_errors in a "+string(h.Kind), "on_errors belongs in an error_hook."))
		} else {
			for _, p := range strs(a, `on_errors lists regular expressions of the errors the hook answers: on_errors = [".*"].`) {
				re, err := regexp.Compile(p)
				if err != nil {
					diags = append(diags, attrError(a, "Invalid error pattern", fmt.Sprintf("%q is not a regular expression: %v.", p, err)))
					continue
				}
				h.OnErrors = append(h.OnErrors, re)
			}
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return h, diags
}
