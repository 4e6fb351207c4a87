package markdown

import (
	"strings"
	"testing"
)

func TestEscapes(t *testing.T) {
	if got := Text("a|b <script> *x* _y_"); got != `a|b &lt;script&gt; \*x\* \_y\_` {
		t.Errorf("MarkdownText = %s", got)
	}
	if got := fenceFor("x ``` y"); got != "````" {
		t.Errorf("fence = %s", got)
	}
	if got := cutText("aaa\nbbb\nccc", 9); got != "aaa\nbbb" {
		t.Errorf("cutText = %q", got)
	}
}

// A report over its limit keeps its title, CAUTION block and rows; details
// go first, then the graph, then rows, naming the whole report's file.
func TestLimit(t *testing.T) {
	r := &Report{Title: "t", Caution: []string{"- destroys"}, FullText: "whole.md",
		Graph: &Graph{Nodes: []Node{{Label: "a", Class: "c"}, {Label: "b"}}, Edges: [][2]string{{"b", "a"}}, Classes: map[string]string{"c": "fill:#fff"}}}
	sec := Section{Columns: []string{"unit", "note"}}
	for i := range 50 {
		sec.Rows = append(sec.Rows, Row{Cells: []string{Code(strings.Repeat("u", 20) + string(rune('a'+i%26))), "x|y"},
			Details: strings.Repeat("line of details\n", 40), Summary: "s", FullText: "f.txt"})
	}
	r.Sections = []Section{sec}
	full := r.String(1 << 30)
	for _, limit := range []int{len(full) / 2, len(full) / 8, 600} {
		got := r.String(limit)
		if len(got) > limit || !strings.HasPrefix(got, "### t\n\n> [!CAUTION]\n> - destroys\n") || !strings.Contains(got, "whole.md") {
			t.Fatalf("limit %d: %d bytes:\n%s", limit, len(got), got)
		}
	}
	if !strings.Contains(full, `x\|y`) || !strings.Contains(full, "classDef c fill:#fff") {
		t.Errorf("cells or classes:\n%s", full)
	}
}
