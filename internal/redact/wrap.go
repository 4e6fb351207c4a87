package redact

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Terraform wraps long messages at word boundaries and indents what
// follows, inside its diagnostic boxes ("│ "): a secret with spaces in it
// can arrive split across lines, each part harmless to a line-by-line
// match. The writer therefore also reads its pending lines as one text,
// with each line break and the indentation and box characters after it
// taken as one space, and masks a secret found across them in every line
// it touches. Lines that may still end in the beginning of such a secret
// are held back until the next line shows whether it continues.

// wrapped are the secrets that can be wrapped: those with whitespace in
// them, with every whitespace run as one space.
func wrappable(secrets [][]byte) [][]byte {
	var out [][]byte
	for _, s := range secrets {
		if bytes.ContainsAny(s, " \t") {
			out = append(out, collapse(s))
		}
	}
	return out
}

// collapse turns every whitespace run into one space.
func collapse(b []byte) []byte {
	return bytes.Join(bytes.Fields(b), []byte(" "))
}

// joined is lines read as one text: for each byte of text, the line and
// the offset in it that byte comes from (-1 for the space that stands for
// a line break).
type joined struct {
	text        []byte
	line, at    []int
	lineContent [][2]int // where each line's content starts and ends
}

func joinLines(lines [][]byte) joined {
	var j joined
	for li, l := range lines {
		start := 0
		if li > 0 {
			// A continuation: drop what terraform put before the words.
			for start < len(l) {
				r, size := utf8.DecodeRune(l[start:])
				if r == '│' || r == '╷' || r == '╵' || unicode.IsSpace(r) {
					start += size
					continue
				}
				break
			}
		}
		end := len(bytes.TrimRight(l, " \t\r\n"))
		if end < start {
			end = start
		}
		j.lineContent = append(j.lineContent, [2]int{start, end})
		if li > 0 {
			j.text = append(j.text, ' ')
			j.line = append(j.line, li)
			j.at = append(j.at, -1)
		}
		prevSpace := false
		for i := start; i < end; i++ {
			c := l[i]
			if c == ' ' || c == '\t' {
				if prevSpace {
					continue
				}
				prevSpace = true
				c = ' '
			} else {
				prevSpace = false
			}
			j.text = append(j.text, c)
			j.line = append(j.line, li)
			j.at = append(j.at, i)
		}
	}
	return j
}

// maskWrapped masks, in lines, every occurrence of a wrappable secret that
// spans a line break (those within one line are masked by scrub). Every
// line an occurrence touches has its part replaced by Mask.
func maskWrapped(lines [][]byte, secrets [][]byte) [][]byte {
	if len(secrets) == 0 || len(lines) < 2 {
		return lines
	}
	j := joinLines(lines)
	// For each line, the byte ranges to replace.
	cut := make([][][2]int, len(lines))
	for _, s := range secrets {
		for from := 0; ; {
			i := bytes.Index(j.text[from:], s)
			if i < 0 {
				break
			}
			i += from
			end := i + len(s)
			from = end
			if j.line[i] == j.line[end-1] {
				continue
			}
			// The part in each line it touches.
			lo := map[int]int{}
			hi := map[int]int{}
			for k := i; k < end; k++ {
				if j.at[k] < 0 {
					continue
				}
				li := j.line[k]
				if _, ok := lo[li]; !ok {
					lo[li] = j.at[k]
				}
				hi[li] = j.at[k] + 1
			}
			for li, a := range lo {
				cut[li] = append(cut[li], [2]int{a, hi[li]})
			}
		}
	}
	out := make([][]byte, len(lines))
	for li, l := range lines {
		if len(cut[li]) == 0 {
			out[li] = l
			continue
		}
		out[li] = replaceRanges(l, cut[li])
	}
	return out
}

// replaceRanges replaces each range of l (they may overlap) by Mask.
func replaceRanges(l []byte, ranges [][2]int) []byte {
	marked := make([]bool, len(l))
	for _, r := range ranges {
		for i := r[0]; i < r[1] && i < len(l); i++ {
			marked[i] = true
		}
	}
	var b bytes.Buffer
	for i := 0; i < len(l); {
		if !marked[i] {
			b.WriteByte(l[i])
			i++
			continue
		}
		b.WriteString(Mask)
		for i < len(l) && marked[i] {
			i++
		}
	}
	return b.Bytes()
}

// holdBack is how many of the last lines must wait for the next one: those
// from where the text may end in the beginning of a wrappable secret (a
// prefix of it that ends at a word break).
func holdBack(lines [][]byte, secrets [][]byte) int {
	if len(secrets) == 0 || len(lines) == 0 {
		return 0
	}
	j := joinLines(lines)
	earliest := -1
	for _, s := range secrets {
		// Prefixes that end where a word ends: a wrap can only come there.
		for p := 1; p < len(s); p++ {
			if s[p] != ' ' {
				continue
			}
			prefix := s[:p]
			if bytes.HasSuffix(j.text, prefix) {
				start := len(j.text) - len(prefix)
				if li := j.line[start]; earliest < 0 || li < earliest {
					earliest = li
				}
			}
		}
	}
	if earliest < 0 {
		return 0
	}
	return len(lines) - earliest
}
