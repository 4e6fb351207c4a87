package surgery

import (
	"testing"
)

// A name next to an interpolation or a directive may go on past the
// literal, so it is left alone; one on each line of a heredoc is renamed
// on every line.
func TestRenameInputsAtTemplateEdges(t *testing.T) {
	src := `inputs = {
  interp = "wasabi${local.x}"
  cond   = "wasabi%{if local.y}-b%{endif}"
  doc    = <<EOT
wasabi one
wasabi two
EOT
}
`
	want := `inputs = {
  interp = "wasabi${local.x}"
  cond   = "wasabi%{if local.y}-b%{endif}"
  doc    = <<EOT
wasabi-v2 one
wasabi-v2 two
EOT
}
`
	r, _ := NewRenamer("wasabi", "wasabi-v2")
	out, edits, err := RenameInputs("unit.hcl", []byte(src), r, []string{"inputs"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if len(edits) != 2 || edits[0].Line != 5 || edits[1].Line != 6 {
		t.Errorf("want the edits on lines 5 and 6, got %+v", edits)
	}
}
