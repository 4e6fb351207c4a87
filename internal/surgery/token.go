// Package surgery is stackctl's state surgery: the rewrites (rename-app,
// mv-unit, state mv across units, restore, push-errored) and the one
// transaction every state write of stackctl's own goes through — locked,
// backed up, lineage and serial checked, verified with a plan, and
// journaled so that a run killed at any step leaves every state either
// the old one or the new one, and the next command finishes or rolls it
// back (docs/state-surgery.md).
package surgery

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Renamer replaces a name where it stands as a whole value or as a
// delimited token: "wasabi" in "wasabi", "wasabi:web", "arn:…:user/wasabi"
// or "wasabi.herokuapp.com", never in "mywasabi" or "wasabi2". Every
// character other than a letter or a digit delimits (- _ . : / @ and so
// on). A token that already reads New is left alone, so renaming wasabi to
// wasabi-v2 twice changes nothing the second time.
type Renamer struct {
	Old, New string
}

// NewRenamer checks the names: both non-empty and different, and neither
// holding characters that would need escaping in HCL or JSON.
func NewRenamer(old, new string) (*Renamer, error) {
	switch {
	case old == "":
		return nil, fmt.Errorf("--from is empty: give the old app name")
	case new == "":
		return nil, fmt.Errorf("--to is empty: give the new app name")
	case old == new:
		return nil, fmt.Errorf("--from and --to are both %q: nothing to rename", old)
	}
	for _, s := range []string{old, new} {
		for _, r := range s {
			if unicode.IsControl(r) || unicode.IsSpace(r) || strings.ContainsRune(`"\$%{}`, r) {
				return nil, fmt.Errorf("%q holds %q: app names are letters, digits and delimiters such as - _ . : /", s, r)
			}
		}
	}
	if !isWord(firstRune(old)) || !isWord(lastRune(old)) {
		return nil, fmt.Errorf("%q must begin and end with a letter or a digit, so that it can be told apart from its delimiters", old)
	}
	return &Renamer{Old: old, New: new}, nil
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }
func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }

// Edges say whether the ends of a string are real ends (a value's start or
// end) or lie next to something unknown, such as a template interpolation
// in HCL, where no token may be assumed to end.
type Edges struct {
	OpenStart, OpenEnd bool
}

// Replace returns s with every delimited occurrence of Old replaced, and
// how many there were.
func (r *Renamer) Replace(s string) (string, int) { return r.ReplaceEdges(s, Edges{}) }

// ReplaceEdges is Replace for a piece of a longer string: an open edge
// does not count as a delimiter.
func (r *Renamer) ReplaceEdges(s string, e Edges) (string, int) {
	if !strings.Contains(s, r.Old) {
		return s, 0
	}
	var b strings.Builder
	n, i := 0, 0
	for i < len(s) {
		if r.tokenAt(s, i, r.New, e) {
			b.WriteString(r.New)
			i += len(r.New)
			continue
		}
		if r.tokenAt(s, i, r.Old, e) {
			b.WriteString(r.New)
			i += len(r.Old)
			n++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
	}
	if n == 0 {
		return s, 0
	}
	return b.String(), n
}

// Contains reports whether s holds Old as a delimited token.
func (r *Renamer) Contains(s string) bool {
	_, n := r.Replace(s)
	return n > 0
}

// tokenAt reports whether word starts at s[i] with a delimiter (or a
// closed edge) on both sides.
func (r *Renamer) tokenAt(s string, i int, word string, e Edges) bool {
	if !strings.HasPrefix(s[i:], word) {
		return false
	}
	if i == 0 {
		if e.OpenStart {
			return false
		}
	} else if prev, _ := utf8.DecodeLastRuneInString(s[:i]); isWord(prev) {
		return false
	}
	end := i + len(word)
	if end == len(s) {
		return !e.OpenEnd
	}
	next, _ := utf8.DecodeRuneInString(s[end:])
	return !isWord(next)
}
