package drift

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// lookup walks v (decoded JSON) along steps (string keys, int indexes).
func lookup(v any, steps []any) (any, bool) {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil, false
			}
			v = l[k]
		}
	}
	return v, true
}

// subSensitive is the part of a before_sensitive/after_sensitive tree that
// covers steps: true when the value there, or any value above it, is
// sensitive.
func subSensitive(sens any, steps []any) any {
	for _, s := range steps {
		if isTrue(sens) {
			return true
		}
		next, ok := lookup(sens, []any{s})
		if !ok {
			return nil
		}
		sens = next
	}
	return sens
}

func isTrue(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

// anySensitive reports whether a sensitivity tree marks anything.
func anySensitive(sens any) bool {
	switch s := sens.(type) {
	case bool:
		return s
	case map[string]any:
		for _, v := range s {
			if anySensitive(v) {
				return true
			}
		}
	case []any:
		for _, v := range s {
			if anySensitive(v) {
				return true
			}
		}
	}
	return false
}

// maskValue returns v with every part that sens marks replaced by Masked.
// A null stays null: that a secret is absent is not a secret.
func maskValue(v any, sens any) any {
	if v == nil {
		return nil
	}
	if isTrue(sens) {
		return Masked
	}
	switch t := v.(type) {
	case map[string]any:
		sm, _ := sens.(map[string]any)
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = maskValue(e, sm[k])
		}
		return out
	case []any:
		sl, _ := sens.([]any)
		out := make([]any, len(t))
		for i, e := range t {
			var s any
			if i < len(sl) {
				s = sl[i]
			}
			out[i] = maskValue(e, s)
		}
		return out
	}
	return v
}

// empty is what providers read back instead of null (and the reverse)
// right after a create: not drift.
func empty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

// equal compares decoded JSON values, with strings that hold JSON
// documents compared after normalising (key order, and IAM policies'
// order-free lists).
func equal(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		nx, ok1 := normalJSON(x)
		ny, ok2 := normalJSON(y)
		return ok1 && ok2 && reflect.DeepEqual(nx, ny)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// normalJSON decodes a string holding a JSON object or array, with IAM
// policy documents put in a canonical form.
func normalJSON(s string) (any, bool) {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return nil, false
	}
	if m, ok := v.(map[string]any); ok {
		if _, ok := m["Statement"]; ok {
			return normalPolicy(m), true
		}
	}
	return v, true
}

// normalPolicy puts an IAM policy in a canonical form: a single statement
// or value is a one-element list, and the lists whose order IAM ignores
// (statements, actions, resources, principals, condition values) are
// sorted.
func normalPolicy(p map[string]any) map[string]any {
	out := make(map[string]any, len(p))
	for k, v := range p {
		out[k] = v
	}
	var stmts []any
	switch s := p["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	}
	norm := make([]any, 0, len(stmts))
	for _, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok {
			norm = append(norm, s)
			continue
		}
		n := make(map[string]any, len(m))
		for k, v := range m {
			switch k {
			case "Action", "NotAction", "Resource", "NotResource":
				n[k] = sortedList(v)
			case "Principal", "NotPrincipal", "Condition":
				n[k] = sortedLeaves(v)
			default:
				n[k] = v
			}
		}
		norm = append(norm, n)
	}
	sort.Slice(norm, func(i, j int) bool { return canonical(norm[i]) < canonical(norm[j]) })
	out["Statement"] = norm
	return out
}

// sortedList makes a string or a list of strings a sorted list without
// duplicates; anything else is returned as it is.
func sortedList(v any) any {
	var l []string
	switch t := v.(type) {
	case string:
		l = []string{t}
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return v
			}
			l = append(l, s)
		}
	default:
		return v
	}
	sort.Strings(l)
	out := make([]any, 0, len(l))
	for i, s := range l {
		if i == 0 || s != l[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func sortedLeaves(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		if sub, ok := e.(map[string]any); ok {
			out[k] = sortedLeaves(sub)
		} else {
			out[k] = sortedList(e)
		}
	}
	return out
}

func canonical(v any) string {
	b, _ := json.Marshal(v) // map keys are sorted by encoding/json
	return string(b)
}

// formatPath writes steps the way terraform addresses attributes:
// tags.Name, tags["aws:cloudformation"], ingress[0].from_port.
func formatPath(steps []any) string {
	var b strings.Builder
	for i, s := range steps {
		switch k := s.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(k) + "]")
		case string:
			switch {
			case i == 0:
				b.WriteString(k)
			case hclsyntax.ValidIdentifier(k):
				b.WriteString("." + k)
			default:
				b.WriteString("[" + strconv.Quote(k) + "]")
			}
		}
	}
	return b.String()
}
