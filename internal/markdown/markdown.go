// Package markdown builds reports for GitHub (step summaries, pull-request
// comments) that stay under GitHub's size limit. It imports nothing of
// stackctl, so every view can use it: report's plan and apply view, and the
// drift, diff-env and verify views in their own packages.
package markdown

import (
	"fmt"
	"sort"
	"strings"
)

// Limit is the most GitHub takes in a pull-request comment (65,536
// characters; a longer body is rejected). A step summary takes more, but a
// report that fits a comment fits everywhere. Bytes are counted, never
// fewer than characters.
const Limit = 65536

// MermaidMaxEdges is the most edges GitHub's mermaid renders (its
// maxEdges default); a larger graph shows as an error, so it is left out.
const MermaidMaxEdges = 500

// Report is a report for GitHub (step summaries, pull-request comments)
// that stays under a size limit: the views of plan, apply, drift, diff-env
// and verify fill one and call String. What matters most survives a cut:
// the title, the CAUTION block and every row; details are shortened first
// (each naming the file with its full text), then the graph goes, and only
// then rows, with the file holding the whole report named.
type Report struct {
	// Title is the heading, markdown ("stackctl plan `dev`").
	Title string
	// Intro are paragraphs under the title (counts, what was selected).
	Intro []string
	// Caution are lines of a GitHub CAUTION alert shown before anything
	// else: what destroys, fails or is refused.
	Caution []string
	// Sections are tables, each row with optional folded details.
	Sections []Section
	Graph    *Graph
	// Notes are a list at the end.
	Notes []string
	// FullText is the file holding the whole report, named when it is cut.
	FullText string
}

// Section is one table and the details of its rows.
type Section struct {
	Heading string // "" for none
	Columns []string
	Rows    []Row
	// Empty is said instead of the table when there are no rows.
	Empty string
}

// Row is one line of a table. Cells are markdown: use
// Code and Text for what comes from outside.
type Row struct {
	Cells []string
	// Details is plain text folded below the table under Summary (plain
	// text too), in a code block of language Lang.
	Details string
	Summary string
	Lang    string
	// FullText is the file holding Details in full, named when cut.
	FullText string
}

// Graph is a mermaid flowchart of units coloured by class.
type Graph struct {
	Nodes []Node
	// Edges go from a node to what it depends on, by Label.
	Edges [][2]string
	// Classes map a class to its mermaid style ("fill:#d4edda,stroke:#28a745").
	Classes map[string]string
	// Legend says what the colours mean, under the graph.
	Legend string
}

// Node is one node of a graph.
type Node struct {
	Label string
	Class string
}

type mdCut struct {
	details int // bytes of details per row; -1 for no limit
	graph   bool
	rows    int // rows in all; -1 for all
}

// String renders the report within limit bytes (Limit when
// limit <= 0).
func (m *Report) String(limit int) string {
	if limit <= 0 {
		limit = Limit
	}
	graph := m.Graph != nil && len(m.Graph.Edges) <= MermaidMaxEdges
	full := m.render(mdCut{details: -1, graph: graph, rows: -1})
	if len(full) <= limit {
		return full
	}
	if s, ok := m.fitDetails(limit, graph); ok {
		return s
	}
	if graph {
		if s, ok := m.fitDetails(limit, false); ok {
			return s
		}
	}
	// Not even every row fits: as many as do, then where the rest is.
	total := m.rowCount()
	lo, hi := 0, total
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(m.render(mdCut{details: 0, rows: mid})) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return m.render(mdCut{details: 0, rows: lo})
}

// fitDetails finds the largest details size per row that fits.
func (m *Report) fitDetails(limit int, graph bool) (string, bool) {
	if len(m.render(mdCut{details: 0, graph: graph, rows: -1})) > limit {
		return "", false
	}
	lo, hi := 0, m.longestDetails()
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(m.render(mdCut{details: mid, graph: graph, rows: -1})) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return m.render(mdCut{details: lo, graph: graph, rows: -1}), true
}

func (m *Report) rowCount() int {
	n := 0
	for _, s := range m.Sections {
		n += len(s.Rows)
	}
	return n
}

func (m *Report) longestDetails() int {
	n := 0
	for _, s := range m.Sections {
		for _, r := range s.Rows {
			n = max(n, len(r.Details))
		}
	}
	return n
}

func (m *Report) render(c mdCut) string {
	var b strings.Builder
	b.WriteString("### " + m.Title + "\n")
	if len(m.Caution) > 0 {
		b.WriteString("\n> [!CAUTION]\n")
		for _, l := range m.Caution {
			b.WriteString("> " + mdLine(l) + "\n")
		}
	}
	for _, p := range m.Intro {
		b.WriteString("\n" + p + "\n")
	}
	left := c.rows
	cutRows, cutDetails := 0, false
	for _, s := range m.Sections {
		if s.Heading != "" {
			b.WriteString("\n#### " + s.Heading + "\n")
		}
		if len(s.Rows) == 0 {
			if s.Empty != "" {
				b.WriteString("\n" + s.Empty + "\n")
			}
			continue
		}
		rows := s.Rows
		if left >= 0 {
			if len(rows) > left {
				cutRows += len(rows) - left
				rows = rows[:left]
			}
			left -= len(rows)
		}
		if len(rows) == 0 {
			continue
		}
		b.WriteString("\n|" + strings.Join(cellsOf(s.Columns), "|") + "|\n|")
		b.WriteString(strings.Repeat(" --- |", len(s.Columns)) + "\n")
		for _, r := range rows {
			b.WriteString("|" + strings.Join(cellsOf(r.Cells), "|") + "|\n")
		}
		for _, r := range rows {
			if strings.TrimSpace(r.Details) == "" {
				continue
			}
			text := r.Details
			if c.details >= 0 && len(text) > c.details {
				text, cutDetails = cutText(text, c.details), true
				if text == "" {
					if r.FullText != "" {
						fmt.Fprintf(&b, "\n%s: details in `%s`\n", Text(r.Summary), r.FullText)
					}
					continue
				}
				text += "\n… cut to fit"
				if r.FullText != "" {
					text += "; in full: " + r.FullText
				}
			}
			fmt.Fprintf(&b, "\n<details><summary>%s</summary>\n\n", htmlText(r.Summary))
			fence := fenceFor(text)
			fmt.Fprintf(&b, "%s%s\n%s\n%s\n\n</details>\n", fence, r.Lang, strings.TrimRight(text, "\n"), fence)
		}
	}
	if c.graph && m.Graph != nil && len(m.Graph.Nodes) > 0 {
		b.WriteString("\n" + m.Graph.mermaid())
	}
	notes := m.Notes
	if m.Graph != nil && len(m.Graph.Nodes) > 0 && !c.graph {
		if len(m.Graph.Edges) > MermaidMaxEdges {
			notes = append(notes, fmt.Sprintf("The graph is left out: its %d edges are more than GitHub's mermaid draws (%d).", len(m.Graph.Edges), MermaidMaxEdges))
		} else {
			notes = append(notes, "The graph is left out to fit GitHub's size limit.")
		}
	}
	if cutRows > 0 {
		notes = append(notes, fmt.Sprintf("%d more rows are left out to fit GitHub's size limit%s.", cutRows, fullTextNote(m.FullText)))
	} else if cutDetails && m.FullText != "" {
		notes = append(notes, "Details are shortened to fit GitHub's size limit"+fullTextNote(m.FullText)+".")
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString("- " + mdLine(n) + "\n")
		}
	}
	return b.String()
}

func fullTextNote(file string) string {
	if file == "" {
		return ""
	}
	return "; the whole report is in `" + file + "`"
}

func (g *Graph) mermaid() string {
	var b strings.Builder
	b.WriteString("```mermaid\ngraph RL\n")
	id := make(map[string]string, len(g.Nodes))
	used := map[string]bool{}
	for i, n := range g.Nodes {
		id[n.Label] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(&b, "    n%d[\"%s\"]", i, mermaidLabel(n.Label))
		if n.Class != "" {
			fmt.Fprintf(&b, ":::%s", n.Class)
			used[n.Class] = true
		}
		b.WriteString("\n")
	}
	for _, e := range g.Edges {
		if id[e[0]] != "" && id[e[1]] != "" {
			fmt.Fprintf(&b, "    %s --> %s\n", id[e[0]], id[e[1]])
		}
	}
	classes := make([]string, 0, len(used))
	for c := range used {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		if style := g.Classes[c]; style != "" {
			fmt.Fprintf(&b, "    classDef %s %s\n", c, style)
		}
	}
	b.WriteString("```\n")
	if g.Legend != "" {
		b.WriteString("\n" + g.Legend + "\n")
	}
	return b.String()
}

func mermaidLabel(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
}

// cutText keeps whole lines of s within n bytes.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return ""
}

// fenceFor is a code fence longer than any run of backticks in text.
func fenceFor(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func cellsOf(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = " " + strings.ReplaceAll(mdLine(c), "|", `\|`) + " "
	}
	return out
}

func mdLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
}

// Code shows s as inline code, safe in a table cell.
func Code(s string) string {
	if s == "" {
		return ""
	}
	fence := "`"
	if strings.Contains(s, "`") {
		fence = "`` "
		return fence + s + " ``"
	}
	return fence + s + fence
}

// Text escapes s as plain text: no markup, no HTML.
func Text(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "`", "\\`", "#", `\#`).Replace(mdLine(s))
}

// htmlText escapes s for HTML (a <summary>, where markdown is not read).
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(mdLine(s))
}
