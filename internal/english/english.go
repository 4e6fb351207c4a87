// Package english writes the small pieces of English that reports share.
package english

import "strconv"

// Count is "1 file" or "N files": n and word, plural (with an s) unless n
// is 1.
func Count(n int, word string) string {
	s := strconv.Itoa(n) + " " + word
	if n != 1 {
		s += "s"
	}
	return s
}
