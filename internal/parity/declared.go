package parity

import (
	"slices"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/glob"
)

// declarations are the parity block's difference blocks that apply to
// the two environments compared.
type declarations struct {
	list       []config.DeclaredDifference
	envA, envB string
}

// match returns the first declaration that covers a difference, or nil.
func (d declarations) match(unit string, kind Kind, path string) *config.DeclaredDifference {
	for i := range d.list {
		dd := &d.list[i]
		if len(dd.Envs) > 0 && !slices.Contains(dd.Envs, d.envA) && !slices.Contains(dd.Envs, d.envB) {
			continue
		}
		if len(dd.Units) > 0 && !slices.ContainsFunc(dd.Units, func(p string) bool { return glob.Match(p, unit) || glob.Match(p+"/**", unit) }) {
			continue
		}
		if dd.WholeUnit() {
			return dd
		}
		switch kind {
		case KindSource, KindVersion:
			if dd.Source {
				return dd
			}
		case KindInput:
			if slices.ContainsFunc(dd.Inputs, func(p string) bool { return matchPath(p, path) }) {
				return dd
			}
		case KindResource:
			if slices.ContainsFunc(dd.Resources, func(p string) bool { return matchPath(p, path) }) {
				return dd
			}
		}
	}
	return nil
}

// matchPath reports whether pattern matches path or a part of it that
// ends where a key or index begins: "tags" covers "tags.team", and
// "hostnames[*]" covers "hostnames[1]". In a pattern "*" stands for any
// run of characters, none included: "*" covers an input named "" too.
func matchPath(pattern, path string) bool {
	for i := len(path); i >= 0; i-- {
		if i < len(path) && path[i] != '.' && path[i] != '[' {
			continue
		}
		if wildcard(pattern, path[:i]) {
			return true
		}
	}
	return false
}

// wildcard matches s against pattern, where "*" is any run of characters
// and everything else is literal (addresses and paths hold [ ] and ".",
// which path.Match would read as syntax).
func wildcard(pattern, s string) bool {
	// The classic two-pointer match with backtracking to the last star.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
