package markdown

import (
	"fmt"
	"strings"
	"testing"
)

func cutReport() *Report {
	r := &Report{Title: "t", FullText: "whole.md",
		Graph: &Graph{Nodes: []Node{{Label: strings.Repeat("n", 300)}, {Label: "b"}}, Edges: [][2]string{{"b", strings.Repeat("n", 300)}}}}
	sec := Section{Columns: []string{"unit"}}
	for i := range 6 {
		var d strings.Builder
		for l := range 10 + i {
			fmt.Fprintf(&d, "row %d line %02d\n", i, l)
		}
		sec.Rows = append(sec.Rows, Row{Cells: []string{fmt.Sprintf("u%d", i)}, Details: d.String(), Summary: "s", FullText: fmt.Sprintf("f%d.txt", i)})
	}
	r.Sections = []Section{sec}
	return r
}

// Within any limit the report keeps as much as fits, in order: every
// detail line that fits (checked against trying every size), then without
// the graph, then as many rows as fit; and it says what it left out.
func TestLimitKeepsTheMostThatFits(t *testing.T) {
	r := cutReport()
	full := r.String(1 << 30)
	if got := r.String(len(full)); got != full {
		t.Fatalf("a report of exactly the limit was cut:\n%s", got)
	}
	withGraph := len(r.render(mdCut{details: 0, graph: true, rows: -1}))
	noGraph := len(r.render(mdCut{details: 0, rows: -1}))
	// Every 37th size, and each size a cut renders to exactly (a cut that
	// fits to the byte must be taken).
	var limits []int
	for limit := 200; limit < len(full); limit += 37 {
		limits = append(limits, limit)
	}
	for d := 0; d <= r.longestDetails(); d += 7 {
		limits = append(limits, len(r.render(mdCut{details: d, graph: true, rows: -1})), len(r.render(mdCut{details: d, rows: -1})))
	}
	for rows := 0; rows <= r.rowCount(); rows++ {
		limits = append(limits, len(r.render(mdCut{details: 0, rows: rows})))
	}
	for _, limit := range limits {
		got := r.String(limit)
		var want string
		switch {
		case limit >= withGraph:
			want = bestDetails(r, limit, true)
		case limit >= noGraph:
			want = bestDetails(r, limit, false)
		default:
			for rows := 0; rows <= r.rowCount(); rows++ {
				if s := r.render(mdCut{details: 0, rows: rows}); len(s) <= limit {
					want = s
				}
			}
		}
		if got != want || len(got) > limit {
			t.Fatalf("String(%d) = %d bytes:\n%s\nwant %d bytes:\n%s", limit, len(got), got, len(want), want)
		}
	}
}

// bestDetails is the rendering with the longest details that fits, found
// by trying every size.
func bestDetails(r *Report, limit int, graph bool) string {
	best := ""
	for d := 0; d <= r.longestDetails(); d++ {
		if s := r.render(mdCut{details: d, graph: graph, rows: -1}); len(s) <= limit {
			best = s
		}
	}
	return best
}

// What a cut report says about what it left out.
func TestLimitNotes(t *testing.T) {
	r := cutReport()
	full := r.String(1 << 30)
	details := r.String(len(full) - 1)
	for _, want := range []string{"\n… cut to fit; in full: f5.txt\n", "- Details are shortened to fit GitHub's size limit; the whole report is in `whole.md`.\n", "```mermaid"} {
		if !strings.Contains(details, want) {
			t.Errorf("details cut: no %q in\n%s", want, details)
		}
	}
	noGraph := r.String(len(r.render(mdCut{details: 0, rows: -1})))
	for _, want := range []string{"s: details in `f0.txt`\n", "- The graph is left out to fit GitHub's size limit.\n"} {
		if !strings.Contains(noGraph, want) {
			t.Errorf("graph left out: no %q in\n%s", want, noGraph)
		}
	}
	if strings.Contains(noGraph, "mermaid") || strings.Contains(noGraph, "<details>") {
		t.Errorf("graph or details kept:\n%s", noGraph)
	}
	rows := r.String(len(r.render(mdCut{details: 0, rows: 4})))
	if !strings.Contains(rows, "| u3 |") || strings.Contains(rows, "| u4 |") || !strings.Contains(rows, "- 2 more rows are left out to fit GitHub's size limit; the whole report is in `whole.md`.\n") {
		t.Errorf("rows cut to 4:\n%s", rows)
	}
	r.FullText = ""
	for i := range r.Sections[0].Rows {
		r.Sections[0].Rows[i].FullText = ""
	}
	if s := r.String(len(full) - 1); strings.Contains(s, "Details are shortened") || strings.Contains(s, "whole.md") {
		t.Errorf("a note names a file that is not there:\n%s", s)
	}
}

// GitHub draws at most MermaidMaxEdges edges; a larger graph is left out
// whatever the limit, and the note says why.
func TestGraphTooLarge(t *testing.T) {
	g := &Graph{}
	for i := range MermaidMaxEdges + 1 {
		g.Nodes = append(g.Nodes, Node{Label: fmt.Sprint(i)})
		if i > 0 {
			g.Edges = append(g.Edges, [2]string{fmt.Sprint(i), fmt.Sprint(i - 1)})
		}
	}
	r := &Report{Title: "t", Graph: g}
	if s := r.String(0); !strings.Contains(s, "```mermaid") || strings.Contains(s, "left out") {
		t.Errorf("%d edges: graph not drawn", len(g.Edges))
	}
	g.Edges = append(g.Edges, [2]string{"0", "1"})
	s := r.String(0)
	if strings.Contains(s, "```mermaid") || !strings.Contains(s, fmt.Sprintf("- The graph is left out: its %d edges are more than GitHub's mermaid draws (%d).\n", MermaidMaxEdges+1, MermaidMaxEdges)) {
		t.Errorf("%d edges:\n%s", len(g.Edges), s[:min(len(s), 500)])
	}
}
