package diag

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// snippetOf renders one diagnostic on src with the range given and returns
// the printed lines after the summary and location.
func snippetOf(t *testing.T, src string, start, end hcl.Pos) []string {
	t.Helper()
	r := hcl.Range{Filename: "f.hcl", Start: start, End: end}
	got := render(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "S", Subject: &r}}, map[string]*hcl.File{"f.hcl": {Bytes: []byte(src)}})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("no snippet:\n%s", got)
	}
	return lines[2:]
}

func pos(line, col int) hcl.Pos { return hcl.Pos{Line: line, Column: col} }

func equalLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("snippet\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSnippetOfALongRangeShowsItsFirstThreeLines(t *testing.T) {
	got := snippetOf(t, "a = [\n  1,\n  2,\n  3,\n]\n", pos(1, 5), pos(5, 2))
	equalLines(t, got, "    |", "  1 | a = [", "    |     ^", "  2 |   1,", "  3 |   2,")
}

// A range reaching past the last line (HCL reports "end of file" so) must
// not print a line the file does not have; an empty line inside a range is
// one line, not the start of the rest of the file.
func TestSnippetLinesAreTheFilesLines(t *testing.T) {
	got := snippetOf(t, "a = [\n  1,\n", pos(1, 5), pos(3, 1))
	equalLines(t, got, "    |", "  1 | a = [", "    |     ^", "  2 |   1,")

	got = snippetOf(t, "a = [\n\n  1]\n", pos(1, 5), pos(3, 4))
	equalLines(t, got, "    |", "  1 | a = [", "    |     ^", "  2 | ", "  3 |   1]")
}

func TestSnippetRangeEndingPastTheLineIsUnderlinedToItsEnd(t *testing.T) {
	got := snippetOf(t, "a = 1\n", pos(1, 3), pos(1, 50))
	equalLines(t, got, "    |", "  1 | a = 1", "    |   ^^^")
}

// Long lines are cut to maxWidth characters: from the start while the range
// begins within the first maxWidth-20, else from 20 characters before it;
// '…' marks each side that was cut.
func TestSnippetWindowOfLongLines(t *testing.T) {
	x := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name      string
		line      string
		col       int
		code, car string
	}{
		{"range at 100: not cut in front", x(100) + "TARGET" + x(194), 101,
			x(100) + "TARGET" + x(14) + "…", strings.Repeat(" ", 100) + "^^^^^^"},
		{"range at 120: cut in front", x(120) + "TARGET" + x(174), 121,
			"…" + x(20) + "TARGET" + x(94) + "…", strings.Repeat(" ", 21) + "^^^^^^"},
		{"range at 104 of a 115-character line: the end not cut", x(104) + "TARGET" + x(5), 105,
			"…" + x(20) + "TARGET" + x(5), strings.Repeat(" ", 21) + "^^^^^^"},
		{"range at the start of a long line", "TARGET" + x(294), 1,
			"TARGET" + x(114) + "…", "^^^^^^"},
	}
	for _, c := range cases {
		got := snippetOf(t, c.line+"\n", pos(1, c.col), pos(1, c.col+6))
		if len(got) != 3 || got[1] != "  1 | "+c.code || got[2] != "    | "+c.car {
			t.Errorf("%s:\n%s\nwant\n  1 | %s\n    | %s", c.name, strings.Join(got, "\n"), c.code, c.car)
		}
	}
}

func TestWriteCountsTheDiagnosticsNotShown(t *testing.T) {
	var diags hcl.Diagnostics
	for i := 0; i < MaxShown+5; i++ {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "E"})
	}
	if got := render(diags, nil); !strings.HasSuffix(got, "Error: E\n\n5 more not shown: fix the ones above first.\n") {
		t.Fatalf("end of output: %q", got[max(0, len(got)-80):])
	}
}

// The detail is wrapped to the width less its two-space indent, a line
// reaching the width exactly still fits, and no width is taken below 40.
func TestDetailWrapsToTheWidth(t *testing.T) {
	detail := func(width int, d string) []string {
		var b bytes.Buffer
		Write(&b, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "S", Detail: d}}, nil, false, width)
		return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[1:]
	}
	sixty := strings.Repeat("x", 29) + " " + strings.Repeat("y", 30)
	equalLines(t, detail(62, sixty+" z"), "  "+sixty, "  z")
	equalLines(t, detail(62, sixty+"\n\nnext"), "  "+sixty, "  ", "  next")
	forty := strings.Repeat("w", 19) + " " + strings.Repeat("v", 20)
	equalLines(t, detail(10, forty+" u"), "  "+forty, "  u")
}

func TestLongSummaryIsCut(t *testing.T) {
	got := render(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: strings.Repeat("é", 250)}}, nil)
	if want := "Error: " + strings.Repeat("é", 200) + "…\n"; got != want {
		t.Fatalf("got %q", got)
	}
}

func TestColorMarksLabelSummaryAndCarets(t *testing.T) {
	r := hcl.Range{Filename: "f.hcl", Start: pos(1, 1), End: pos(1, 2)}
	var b bytes.Buffer
	Write(&b, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "S", Subject: &r}}, map[string]*hcl.File{"f.hcl": {Bytes: []byte("a = 1\n")}}, true, 80)
	want := "\x1b[33;1mWarning:\x1b[0m \x1b[1mS\x1b[0m\n  --> f.hcl:1:1\n    |\n  1 | a = 1\n    | \x1b[31;1m^\x1b[0m\n"
	if b.String() != want {
		t.Fatalf("got  %q\nwant %q", b.String(), want)
	}
}

// Go's coverage has no block for switch-case expressions, so gremlins calls
// the escaping cases "not covered"; this runs each of them all the same.
func TestEscapesEachKindOfUnprintable(t *testing.T) {
	got := render(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "a\xffb\x07c\u200bd\U000e0001e\tf"}}, nil)
	if want := "Error: a\\xffb\\x07c\\u200bd\\U000e0001e\\x09f\n"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	lines := snippetOf(t, "\tv\xff = \u200b\n", pos(1, 2), pos(1, 3))
	equalLines(t, lines, "    |", "  1 |  v\\xff = \\u200b", "    |  ^")
}
