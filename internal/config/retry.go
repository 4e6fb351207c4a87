package config

import (
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// Retry is the retry block of stackctl.hcl: how often a terraform step
// that failed for a passing reason (throttling, a connection reset, a
// plugin that crashed while starting) is tried again.
type Retry struct {
	// MaxAttempts is the number of tries in all (1: never again).
	MaxAttempts int
	// Wait is the pause before the first retry; it doubles each time.
	Wait time.Duration
	// Errors are extra patterns (regular expressions) of the errors to
	// retry, beside the built-in ones.
	Errors []*regexp.Regexp
	Range  hcl.Range
}

// DefaultRetry is what applies without a retry block.
func DefaultRetry() Retry { return Retry{MaxAttempts: 3, Wait: 2 * time.Second} }

var retrySchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "max_attempts"}, {Name: "wait"}, {Name: "errors"}}}

func (r *Root) parseRetry(b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	c, diags := b.Body.Content(retrySchema)
	if diags.HasErrors() {
		return diags
	}
	rt := DefaultRetry()
	rt.Range = b.DefRange
	if a := c.Attributes["max_attempts"]; a != nil {
		v, d := evalExpr(a.Expr, ctx, scopeRootSettings)
		diags = append(diags, d...)
		var n int
		if !d.HasErrors() {
			if err := gocty.FromCtyValue(v, &n); err != nil || n < 1 || n > 20 {
				diags = append(diags, attrError(a, "Invalid max_attempts", "max_attempts is the number of tries in all: a whole number from 1 (never retry) to 20."))
			}
		}
		rt.MaxAttempts = n
	}
	if a := c.Attributes["wait"]; a != nil {
		s, d := evalString(a, ctx, scopeRootSettings)
		diags = append(diags, d...)
		if !d.HasErrors() {
			w, err := time.ParseDuration(s)
			if err != nil || w < 0 || w > 10*time.Minute {
				diags = append(diags, attrError(a, "Invalid wait", "wait is the pause before the first retry, a duration from 0s to 10m: wait = \"2s\"."))
			}
			rt.Wait = w
		}
	}
	if a := c.Attributes["errors"]; a != nil {
		v, d := evalExpr(a.Expr, ctx, scopeRootSettings)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if !v.CanIterateElements() || v.IsNull() || !v.IsWhollyKnown() {
				diags = append(diags, attrError(a, "Invalid errors", "errors is a list of regular expressions: errors = [\"(?i)connection refused\"]."))
			} else {
				for it := v.ElementIterator(); it.Next(); {
					_, e := it.Element()
					if e.Type() != cty.String {
						diags = append(diags, attrError(a, "Invalid errors", "errors is a list of strings, each a regular expression."))
						break
					}
					re, err := regexp.Compile(e.AsString())
					if err != nil {
						diags = append(diags, attrError(a, "Invalid error pattern", fmt.Sprintf("%q is not a regular expression: %v.", e.AsString(), err)))
						continue
					}
					rt.Errors = append(rt.Errors, re)
				}
			}
		}
	}
	r.Retry = rt
	return diags
}
