package diag

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The carets sit under the range as HCL reports it, also after non-ASCII
// text (columns count characters, the line holds bytes).
func render(diags hcl.Diagnostics, files map[string]*hcl.File) string {
	var b bytes.Buffer
	Write(&b, diags, files, false, 100)
	return b.String()
}

func TestSnippetUnderlinesTheRange(t *testing.T) {
	src := "name = \"café\"\nport = \"ünï\" + true\n"
	file, diags := hclsyntax.ParseConfig([]byte(src), "unit.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	attrs, _ := file.Body.JustAttributes()
	_, diags = attrs["port"].Expr.Value(nil)
	if !diags.HasErrors() {
		t.Fatal("no error for a string plus a bool")
	}
	got := render(diags[:1], map[string]*hcl.File{"unit.hcl": file})
	lines := strings.Split(got, "\n")
	if len(lines) < 5 || lines[1] != "  --> unit.hcl:2:8" {
		t.Fatalf("location line:\n%s", got)
	}
	code, marks := lines[3], lines[4]
	underlined := ""
	codeRunes := []rune(code)
	for i, r := range []rune(marks) {
		if r == '^' && i < len(codeRunes) {
			underlined += string(codeRunes[i])
		}
	}
	if underlined != `"ünï"` {
		t.Fatalf("carets underline %q, want the string operand:\n%s", underlined, got)
	}
}

func TestRangeAtEndOfLineGetsOneCaret(t *testing.T) {
	file := &hcl.File{Bytes: []byte("a = \n")}
	r := hcl.Range{Filename: "f.hcl", Start: hcl.Pos{Line: 1, Column: 5, Byte: 4}, End: hcl.Pos{Line: 1, Column: 5, Byte: 4}}
	got := render(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Missing value", Subject: &r}}, map[string]*hcl.File{"f.hcl": file})
	if !strings.Contains(got, "  1 | a = \n    |     ^\n") {
		t.Fatalf("snippet:\n%q", got)
	}
}

func TestAt(t *testing.T) {
	r := hcl.Range{Filename: "live/dev/unit.hcl", Start: hcl.Pos{Line: 3, Column: 7}, End: hcl.Pos{Line: 3, Column: 12}}
	if got := At(r); got != "live/dev/unit.hcl:3:7" {
		t.Fatalf("At = %q", got)
	}
}

// A related location prints after the detail with its own snippet, and
// whatever Extra held before stays reachable.
func TestRelatedLocation(t *testing.T) {
	file := &hcl.File{Bytes: []byte("vars = {\n  regon = \"x\"\n}\n")}
	use := hcl.Range{Filename: "a.hcl", Start: hcl.Pos{Line: 1, Column: 1}, End: hcl.Pos{Line: 1, Column: 2}}
	def := hcl.Range{Filename: "env.hcl", Start: hcl.Pos{Line: 2, Column: 3}, End: hcl.Pos{Line: 2, Column: 8}}
	d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "S", Detail: "D.", Subject: &use, Extra: "before"}
	AddRelated(d, "`regon` is defined here", def)
	got := render(hcl.Diagnostics{d}, map[string]*hcl.File{"env.hcl": file})
	want := "  D.\n  note: `regon` is defined here\n  --> env.hcl:2:3\n    |\n  2 |   regon = \"x\"\n    |   ^^^^^\n"
	if !strings.HasSuffix(got, want) {
		t.Fatalf("got\n%s\nwant suffix\n%s", got, want)
	}
	if s, ok := hcl.DiagnosticExtra[string](d); !ok || s != "before" {
		t.Fatalf("the earlier Extra is lost: %v", d.Extra)
	}
}

// Issue 9 item 8: a snippet of a binary or minified line is cut around the
// range, and what would not print is escaped; the carets stay under it.
func TestSnippetIsBoundedAndEscaped(t *testing.T) {
	line := strings.Repeat("x", 300) + "\x1b[31mbad\x00" + strings.Repeat("y", 300)
	file := &hcl.File{Bytes: []byte(line + "\n")}
	r := hcl.Range{Filename: "f.hcl", Start: hcl.Pos{Line: 1, Column: 301}, End: hcl.Pos{Line: 1, Column: 310}}
	got := render(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "S\x07", Detail: "D\x1b", Subject: &r}}, map[string]*hcl.File{"f.hcl": file})
	for _, c := range []byte(got) {
		if c < 0x20 && c != '\n' {
			t.Fatalf("raw control byte %#x in\n%q", c, got)
		}
	}
	lines := strings.Split(got, "\n")
	code, marks := []rune(lines[3]), []rune(lines[4])
	if len(code) > 140 {
		t.Fatalf("line of %d characters", len(code))
	}
	var under []rune
	for i, m := range marks {
		if m == '^' {
			under = append(under, code[i])
		}
	}
	if string(under) != `\x1b[31mbad\x00` {
		t.Fatalf("carets under %q:\n%s", string(under), got)
	}
	if !strings.HasPrefix(lines[0], `Error: S\x07`) {
		t.Fatalf("summary %q", lines[0])
	}
}

func TestWriteShowsAtMostMaxShown(t *testing.T) {
	var diags hcl.Diagnostics
	for i := 0; i < MaxShown+5; i++ {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "E"})
	}
	got := render(diags, nil)
	if n := strings.Count(got, "Error: E"); n != MaxShown || !strings.Contains(got, "5 more not shown") {
		t.Fatalf("%d shown:\n%s", n, got)
	}
}
