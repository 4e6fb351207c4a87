package convert

import "strings"

// leadingComment returns the comment lines directly above the construct
// starting at byte start (no blank line between), with where they begin,
// so the stackctl file keeps the explanation the Terragrunt file had.
func leadingComment(src []byte, start int) (string, int) {
	ls := start
	for ls > 0 && src[ls-1] != '\n' {
		ls--
	}
	if strings.TrimSpace(string(src[ls:start])) != "" {
		return "", -1
	}
	var lines []string
	end, from := ls, -1
	for end > 0 {
		ps := end - 1
		for ps > 0 && src[ps-1] != '\n' {
			ps--
		}
		line := strings.TrimSpace(string(src[ps : end-1]))
		if !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "//") {
			break
		}
		lines = append([]string{line}, lines...)
		end, from = ps, ps
	}
	if len(lines) == 0 {
		return "", -1
	}
	return strings.Join(lines, "\n") + "\n", from
}

// comment is the leading comment of the construct at start, unless it is
// the file's top comment, which is written once at the top.
func (f *tgFile) comment(start int) string {
	text, from := leadingComment(f.src, start)
	if from == 0 {
		return ""
	}
	return text
}

// topComment is the comment the file starts with.
func (f *tgFile) topComment() string {
	var lines []string
	for _, line := range strings.Split(string(f.src), "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "//") {
			break
		}
		lines = append(lines, t)
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// trailingComment is a comment after the construct ending at end, on the
// same line.
func (f *tgFile) trailingComment(end int) string {
	i := end
	for i < len(f.src) && f.src[i] != '\n' {
		i++
	}
	rest := strings.TrimSpace(string(f.src[end:i]))
	rest = strings.TrimSpace(strings.TrimPrefix(rest, ","))
	if strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, "//") {
		return " " + rest
	}
	return ""
}
