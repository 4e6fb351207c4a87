package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/diag"
)

// explain adds to HCL's "Unsupported attribute" what HCL cannot know: for
// env.X, local.X and unit.X, which names exist instead, the closest one,
// and where it is defined. A misspelt env var is used in one file and
// defined in another (env.hcl), so the error alone points at the wrong
// file. env is the environment the expressions saw, or nil while env.hcl's
// own locals and vars were evaluated.
func (l *Loader) explain(diags hcl.Diagnostics, env *Env) {
	for _, d := range diags {
		if d.Severity != hcl.DiagError || d.Summary != "Unsupported attribute" || d.Expression == nil || d.EvalContext == nil || d.Subject == nil {
			continue
		}
		t, td := hcl.AbsTraversalForExpr(d.Expression)
		if td.HasErrors() || len(t) < 2 {
			continue
		}
		step, ok := t[1].(hcl.TraverseAttr)
		if !ok || step.SrcRange != *d.Subject {
			continue // a deeper step, like env.tags.Team: that object is the user's own
		}
		have := attrNames(lookupVar(d.EvalContext, t.RootName()))
		switch t.RootName() {
		case "env":
			l.explainEnv(d, step.Name, have, env)
		case "local":
			l.explainLocal(d, step.Name, have)
		case "include":
			d.Summary = fmt.Sprintf("Unknown include %q", step.Name)
			if len(have) == 0 {
				d.Detail = fmt.Sprintf("This unit.hcl has no include blocks; include.%s.locals needs include %q { path = \"...\" }.", step.Name, step.Name)
			} else {
				d.Detail = fmt.Sprintf("This unit.hcl includes %s%s", quoteList(have), didYouMean(step.Name, have))
			}
		case "unit":
			d.Summary = fmt.Sprintf("Unknown unit attribute %q", step.Name)
			d.Detail = fmt.Sprintf("unit has only %s%s", quoteList(have), didYouMean(step.Name, have))
		}
	}
}

func (l *Loader) explainEnv(d *hcl.Diagnostic, name string, have []string, env *Env) {
	d.Summary = fmt.Sprintf("Unknown env var %q", name)
	if env == nil {
		d.Detail = fmt.Sprintf("In env.hcl's locals and vars, env has only name: vars are what defines env.%s. Use a local for a value that several vars share.", name)
		return
	}
	file := l.Display(env.File)
	vars := slices.DeleteFunc(slices.Clone(have), func(s string) bool { return s == "name" })
	if env.varsAttr == nil {
		d.Detail = fmt.Sprintf("%s has no vars, so env has only name. Define env.%s in vars there.", file, name)
		return
	}
	defines := "no vars"
	if len(vars) > 0 {
		defines = quoteList(vars)
	}
	guess := closest(name, have)
	d.Detail = fmt.Sprintf("%s defines no `%s`; it defines %s%s", file, name, defines, didYouMean(name, have))
	where, note := env.varsAttr.Range, "vars are defined here"
	if guess != "" {
		if r, ok := itemRanges(env.varsAttr)[guess]; ok {
			where, note = r, fmt.Sprintf("`%s` is defined here", guess)
		}
	}
	diag.AddRelated(d, note, where)
}

func (l *Loader) explainLocal(d *hcl.Diagnostic, name string, have []string) {
	d.Summary = fmt.Sprintf("Unknown local %q", name)
	if len(have) == 0 {
		d.Detail = fmt.Sprintf("This file defines no locals. Locals belong to the file that defines them: a local of another file (stackctl.hcl, env.hcl) is not visible here. Define local.%s in this file's locals block.", name)
		return
	}
	guess := closest(name, have)
	d.Detail = fmt.Sprintf("This file defines no local `%s`; its locals are %s%s", name, quoteList(have), didYouMean(name, have))
	if guess == "" {
		return
	}
	if r, ok := l.localRange(d.Subject.Filename, guess); ok {
		diag.AddRelated(d, fmt.Sprintf("`%s` is defined here", guess), r)
	}
}

// localRange finds where a local is defined in a parsed file, by the name
// the file is shown under.
func (l *Loader) localRange(filename, name string) (hcl.Range, bool) {
	f := l.files.byDisplayName(filename)
	if f == nil {
		return hcl.Range{}, false
	}
	// Only the bytes are kept (see files): parse again, which costs
	// microseconds and happens only for a message.
	parsed, diags := hclsyntax.ParseConfig(f.Bytes, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return hcl.Range{}, false
	}
	body, ok := parsed.Body.(*hclsyntax.Body)
	if !ok {
		return hcl.Range{}, false
	}
	for _, b := range body.Blocks {
		if b.Type != "locals" {
			continue
		}
		if a, ok := b.Body.Attributes[name]; ok {
			return a.NameRange, true
		}
	}
	return hcl.Range{}, false
}

// lookupVar finds a top-level variable the way HCL does, through the
// context's parents.
func lookupVar(ctx *hcl.EvalContext, name string) cty.Value {
	for c := ctx; c != nil; c = c.Parent() {
		if v, ok := c.Variables[name]; ok {
			return v
		}
	}
	return cty.NilVal
}

func attrNames(v cty.Value) []string {
	if v == cty.NilVal || !v.Type().IsObjectType() {
		return nil
	}
	return slices.Sorted(maps.Keys(v.Type().AttributeTypes()))
}

// closest is the name within edit distance 2 of given (HCL's own limit
// for "Did you mean"), nearest first, ties by name.
func closest(given string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := levenshtein.Distance(given, n, nil); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// didYouMean ends a sentence: " — did you mean `x`?" or ".".
func didYouMean(given string, names []string) string {
	if g := closest(given, names); g != "" {
		return fmt.Sprintf(" — did you mean `%s`?", g)
	}
	return "."
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return strings.Join(q, ", ")
}
