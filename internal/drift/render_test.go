package drift

import (
	"bytes"
	"strings"
	"testing"
)

// A unit with drift and no outputs changed, and one with outputs changed
// and no drift: each section shows only the table or list it has.
func TestViewsShowOnlyWhatAUnitHas(t *testing.T) {
	long := strings.Repeat("a", maxCell-2) // 200 characters once quoted: shown whole
	longer := long + "b"                   // 201: cut
	r := &Report{Units: []*Unit{
		{Unit: "app", Resources: []*Resource{{Address: "aws_vpc.main", Type: "aws_vpc", Attributes: []*Attribute{
			{Path: "description", Before: long, After: longer, Verdict: Reverts, Planned: long, Origin: &Origin{}},
		}}}},
		{Unit: "net", Resources: []*Resource{}, Outputs: []*Output{{Name: "id", Before: "vpc-1", After: "vpc-2"}}},
	}}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	m := md.String()
	for _, c := range []struct {
		what string
		n    int
	}{
		{"| resource | attribute | in state | now | next apply |", 1},
		{"Outputs changed", 1},
		{"`\"" + long + "\"`", 1},
		{"`\"" + longer[:maxCell-1] + "…`", 1},
		{"\n1 of 2 units drifted\n", 1},
		{"failed", 0},
	} {
		if got := strings.Count(m, c.what); got != c.n {
			t.Errorf("%q appears %d times, want %d:\n%s", c.what, got, c.n, m)
		}
	}
	var txt bytes.Buffer
	if err := WriteText(&txt, r); err != nil {
		t.Fatal(err)
	}
	want := `      description: "` + long + `" → "` + longer + `"  reverts to "` + long + `"` + "\n"
	if !strings.Contains(txt.String(), want) {
		t.Errorf("text view: want the line\n%s\nin\n%s", want, txt.String())
	}
	if !strings.HasSuffix(txt.String(), "\n1 of 2 units drifted\n") {
		t.Errorf("text view's last line:\n%s", txt.String())
	}
}
