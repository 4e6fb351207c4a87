package markdown

import "testing"

// Everything a report can hold, rendered in full: the CAUTION block first
// (whitespace folded), table cells escaped, a details fence longer than the
// backticks inside, blank details and empty sections without a table, the
// mermaid graph with its labels escaped, edges to unknown nodes dropped and
// only the classes in use, then the notes.
func TestRenderWhole(t *testing.T) {
	r := &Report{
		Title: "stackctl plan `dev`", Intro: []string{"2 units."}, Caution: []string{"destroys\r\n  `db`"},
		Sections: []Section{
			{Heading: "Changes", Columns: []string{"unit", "a|b"}, Rows: []Row{
				{Cells: []string{Code("apps/api"), "x  y"}, Details: "+ create\n```\n", Summary: "api <plan>", Lang: "diff"},
				{Cells: []string{Code("a`b"), ""}, Details: "  \n"},
			}},
			{Heading: "Failed", Columns: []string{"unit"}, Empty: "None."},
			{Columns: []string{"unit"}},
		},
		Graph: &Graph{Nodes: []Node{{Label: `a "x"`, Class: "ok"}, {Label: "<b>", Class: "bad"}, {Label: "c"}},
			Edges:   [][2]string{{"<b>", `a "x"`}, {"c", "gone"}},
			Classes: map[string]string{"ok": "fill:#0f0", "bad": "fill:#f00", "unused": "x"}, Legend: "green: ok"},
		Notes: []string{"a\n note"},
	}
	want := "### stackctl plan `dev`\n\n> [!CAUTION]\n> destroys `db`\n\n2 units.\n\n#### Changes\n\n" +
		"| unit | a\\|b |\n| --- | --- |\n| `apps/api` | x y |\n| `` a`b `` |  |\n\n" +
		"<details><summary>api &lt;plan&gt;</summary>\n\n````diff\n+ create\n```\n````\n\n</details>\n\n" +
		"#### Failed\n\nNone.\n\n" +
		"```mermaid\ngraph RL\n    n0[\"a #quot;x#quot;\"]:::ok\n    n1[\"#lt;b#gt;\"]:::bad\n    n2[\"c\"]\n    n1 --> n0\n" +
		"    classDef bad fill:#f00\n    classDef ok fill:#0f0\n```\n\ngreen: ok\n\n- a note\n"
	for _, limit := range []int{0, -1, Limit, len(want)} {
		if got := r.String(limit); got != want {
			t.Errorf("String(%d):\n%s\nwant:\n%s", limit, got, want)
		}
	}
}

func TestInlineEscapes(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "`a`", "a`b": "`` a`b ``"} {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Text("a & [b](c) `d` #e\r\n"); got != "a &amp; \\[b\\](c) \\`d\\` \\#e" {
		t.Errorf("Text = %q", got)
	}
	if got := fenceFor("`` a ` b ``"); got != "```" {
		t.Errorf("fence for runs of two = %q", got)
	}
	if got := cutText("abc", 3); got != "abc" {
		t.Errorf("cutText within the limit = %q", got)
	}
	if got := cutText("abcdef", 3); got != "" {
		t.Errorf("cutText of one long line = %q", got)
	}
}
