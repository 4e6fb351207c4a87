package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// A report with nothing to warn about, no graph and no notes is its title
// alone: no empty CAUTION block, mermaid block or list.
func TestRenderNothingExtra(t *testing.T) {
	r := &Report{Title: "t", Graph: &Graph{}}
	if got := r.String(0); got != "### t\n" {
		t.Errorf("String() = %q", got)
	}
	if got := r.render(mdCut{details: 0, rows: -1}); got != "### t\n" {
		t.Errorf("cut, with an empty graph: %q", got)
	}
}

// Details exactly as long as the cut are whole: no "cut to fit".
func TestDetailsOfExactlyTheCut(t *testing.T) {
	r := &Report{Title: "t", Sections: []Section{{Columns: []string{"u"}, Rows: []Row{
		{Cells: []string{"a"}, Details: "0123456789\n", Summary: "a"},
		{Cells: []string{"b"}, Details: strings.Repeat("long line\n", 5), Summary: "b"},
	}}}}
	got := r.render(mdCut{details: len("0123456789\n"), rows: -1})
	if want := "<details><summary>a</summary>\n\n```\n0123456789\n```\n"; !strings.Contains(got, want) {
		t.Errorf("no %q in\n%s", want, got)
	}
	if strings.Count(got, "… cut to fit") != 1 {
		t.Errorf("want one cut (b's):\n%s", got)
	}
}

// Rows are cut across sections: once the budget is spent, later sections
// show no rows and the note counts every row left out.
func TestRowsCutAcrossSections(t *testing.T) {
	r := &Report{Title: "t"}
	for s := range 2 {
		sec := Section{Heading: fmt.Sprint("s", s), Columns: []string{"u"}}
		for i := range 3 {
			sec.Rows = append(sec.Rows, Row{Cells: []string{fmt.Sprintf("r%d%d", s, i)}})
		}
		r.Sections = append(r.Sections, sec)
	}
	for rows, want := range map[int][]string{0: nil, 2: {"r00", "r01"}, 3: {"r00", "r01", "r02"}, 4: {"r00", "r01", "r02", "r10"}} {
		got := r.render(mdCut{details: 0, rows: rows})
		var shown []string
		for _, l := range strings.Split(got, "\n") {
			if strings.HasPrefix(l, "| r") {
				shown = append(shown, strings.Trim(l, "| "))
			}
		}
		if fmt.Sprint(shown) != fmt.Sprint(want) || !strings.Contains(got, fmt.Sprintf("- %d more rows are left out", 6-rows)) {
			t.Errorf("rows %d: shown %v, want %v:\n%s", rows, shown, want, got)
		}
	}
}

// A graph of exactly MermaidMaxEdges edges left out for size says so, not
// that it has too many edges.
func TestGraphOfMaxEdgesLeftOutForSize(t *testing.T) {
	g := &Graph{}
	for i := range MermaidMaxEdges + 1 {
		g.Nodes = append(g.Nodes, Node{Label: fmt.Sprint(i)})
		if i > 0 {
			g.Edges = append(g.Edges, [2]string{fmt.Sprint(i), fmt.Sprint(i - 1)})
		}
	}
	r := &Report{Title: "t", Graph: g}
	got := r.String(200)
	if !strings.Contains(got, "- The graph is left out to fit GitHub's size limit.\n") {
		t.Errorf("String(200) with %d edges:\n%s", len(g.Edges), got)
	}
}
