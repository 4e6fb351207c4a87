package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/diag"
)

func copyVars(m map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func mergeLocals(dst *hcl.Attributes, attrs hcl.Attributes) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if *dst == nil {
		*dst = hcl.Attributes{}
	}
	for name, a := range attrs {
		if prev, dup := (*dst)[name]; dup {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate local",
				Detail: fmt.Sprintf("local.%s is already defined at %s.", name, diag.At(prev.NameRange)), Subject: a.NameRange.Ptr()})
			continue
		}
		(*dst)[name] = a
	}
	return diags
}

func absFrom(base, p string) string {
	p = expandHome(p)
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// hclIdentifier is hclsyntax.ValidIdentifier for ASCII names, without
// running HCL's scanner (about 2 µs) for every dependency block.
func hclIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (i > 0 && (r == '-' || r >= '0' && r <= '9'))
		if !ok {
			return false
		}
	}
	return true
}

// appendUnique appends the units' diagnostics, each once. Every unit
// evaluates the root file's locals and remote_state, so one mistake there
// would otherwise be reported once per unit.
func appendUnique(diags hcl.Diagnostics, perUnit []hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		severity        hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	seen := map[key]bool{}
	for _, ds := range perUnit {
		for _, d := range ds {
			k := key{severity: d.Severity, summary: d.Summary, detail: d.Detail}
			if d.Subject != nil {
				k.subject = *d.Subject
			}
			if seen[k] {
				continue
			}
			seen[k] = true
			diags = append(diags, d)
		}
	}
	return diags
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}

func errorf(summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

func attrError(a *hcl.Attribute, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: a.Expr.Range().Ptr(), Context: a.Range.Ptr()}
}
