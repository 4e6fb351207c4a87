package parity

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
)

// placeholders turns one environment's strings into tokens: literal text
// and placeholders for the environment's domains and name. Two strings
// agree when their tokens do, so a value that follows its own
// environment's domain matches the other environment's value that follows
// its own.
type placeholders struct {
	cands []candidate // longest first
}

type candidate struct {
	value string // ASCII lower case
	// vars are the env vars with this value: a placeholder matches another
	// when they share a var, so two vars with one value in one
	// environment (domain and zone both "example.com") stay ambiguous
	// instead of being resolved arbitrarily.
	vars   []string
	domain bool
}

// token is literal text (vars nil) or a placeholder.
type token struct {
	lit  string
	vars []string
}

// dnsName is what the default rule takes for a domain: dot-separated
// labels of letters, digits and hyphens, the last starting with a letter
// (so IP addresses and CIDR blocks are not domains).
var dnsName = regexp.MustCompile(`^(?i)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]([a-z0-9-]*[a-z0-9])?\.?$`)

// newPlaceholders collects env's domains: the vars named in domainVars,
// or, when domainVars is nil, every var whose value is a DNS name; and
// the values of the inputs named in domainInputs, for a domain computed
// in stackctl.hcl from env vars rather than written in env.hcl.
func newPlaceholders(env *Env, domainVars, domainInputs []string) *placeholders {
	byValue := map[string][]string{}
	for name, v := range env.Vars {
		if domainVars != nil && !slices.Contains(domainVars, name) {
			continue
		}
		if !v.IsKnown() || v.IsNull() || v.Type() != cty.String || config.IsSensitive(v) {
			continue
		}
		s := strings.TrimSuffix(v.AsString(), ".")
		if s == "" || (domainVars == nil && !dnsName.MatchString(s)) {
			continue
		}
		byValue[asciiLower(s)] = append(byValue[asciiLower(s)], name)
	}
	for _, name := range domainInputs {
		if s, ok := firstInput(env, name); ok && s != "" {
			byValue[asciiLower(s)] = append(byValue[asciiLower(s)], inputVar+name)
		}
	}
	p := &placeholders{}
	for value, vars := range byValue {
		sortVars(vars, domainVars)
		p.cands = append(p.cands, candidate{value: value, vars: vars, domain: true})
	}
	if env.Name != "" {
		p.cands = append(p.cands, candidate{value: asciiLower(env.Name), vars: []string{"name"}})
	}
	slices.SortStableFunc(p.cands, func(x, y candidate) int {
		return cmp.Or(cmp.Compare(len(y.value), len(x.value)), strings.Compare(x.value, y.value))
	})
	return p
}

// inputVar prefixes a placeholder that stands for an input's value
// rather than an env var.
const inputVar = "inputs."

// firstInput is the known, non-secret string value of the input name in
// the first unit (by path) that has one: inputs that name a domain come
// from stackctl.hcl or env.hcl, so every unit that has one agrees.
func firstInput(env *Env, name string) (string, bool) {
	for _, u := range env.Units {
		v, ok := u.Inputs[name]
		if !ok || !v.IsKnown() || v.IsNull() || v.Type() != cty.String || config.IsSensitive(v) {
			continue
		}
		return strings.TrimSuffix(v.AsString(), "."), true
	}
	return "", false
}

// sortVars orders vars as domain_vars lists them, else by name.
func sortVars(vars, order []string) {
	slices.SortFunc(vars, func(x, y string) int {
		return cmp.Or(cmp.Compare(slices.Index(order, x), slices.Index(order, y)), strings.Compare(x, y))
	})
}

// tokens splits s at every occurrence of a domain or the environment's
// name (ASCII case-insensitive, longest first). A domain must stand as
// whole labels ("example.com" is not in "myexample.com"); the name must
// stand as a word ("prod" is not in "product").
func (p *placeholders) tokens(s string) []token {
	lower := asciiLower(s)
	var out []token
	lit := 0
	for i := 0; i < len(s); {
		c, ok := p.match(lower, i)
		if !ok {
			i++
			continue
		}
		if t := s[lit:i]; t != "" {
			out = append(out, token{lit: t})
		}
		out = append(out, token{vars: c.vars})
		i += len(c.value)
		lit = i
	}
	if t := s[lit:]; t != "" {
		out = append(out, token{lit: t})
	}
	return out
}

func (p *placeholders) match(lower string, i int) (candidate, bool) {
	for _, c := range p.cands {
		if !strings.HasPrefix(lower[i:], c.value) {
			continue
		}
		end := i + len(c.value)
		var before, after, afterNext byte
		if i > 0 {
			before = lower[i-1]
		}
		if end < len(lower) {
			after = lower[end]
		}
		if end+1 < len(lower) {
			afterNext = lower[end+1]
		}
		if c.domain {
			if labelChar(before) || labelChar(after) || (after == '.' && labelChar(afterNext)) {
				continue
			}
		} else if alnum(before) || alnum(after) {
			continue
		}
		return c, true
	}
	return candidate{}, false
}

func alnum(c byte) bool     { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
func labelChar(c byte) bool { return alnum(c) || c == '-' }

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// sameTokens reports whether two token lists agree: equal literals, and
// placeholders that share a var.
func sameTokens(a, b []token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i].vars == nil) != (b[i].vars == nil) {
			return false
		}
		if a[i].vars == nil {
			if a[i].lit != b[i].lit {
				return false
			}
			continue
		}
		if !slices.ContainsFunc(a[i].vars, func(v string) bool { return slices.Contains(b[i].vars, v) }) {
			return false
		}
	}
	return true
}

// render writes tokens back as text, placeholders as ${env.<var>}.
func render(ts []token) string {
	var b strings.Builder
	for _, t := range ts {
		if t.vars == nil {
			b.WriteString(t.lit)
			continue
		}
		if strings.HasPrefix(t.vars[0], inputVar) {
			b.WriteString("${" + t.vars[0] + "}")
			continue
		}
		b.WriteString("${env." + t.vars[0] + "}")
	}
	return b.String()
}

// normalize is s with its placeholders, for map keys, addresses and
// hashes, where an exact form is needed.
func (p *placeholders) normalize(s string) string { return render(p.tokens(s)) }

// hasPlaceholder reports whether any token is a placeholder.
func hasPlaceholder(ts []token) bool {
	return slices.ContainsFunc(ts, func(t token) bool { return t.vars != nil })
}
