package surgery

import (
	"fmt"
	"strings"
	"testing"
)

// An object key written as a bare name is renamed wherever it stands in
// its object: first, after a comma, on a line after other keys, with = or
// with a colon; a name before a conditional's colon is no key, even on the line after
// its question mark, and neither is a for expression's collection.
func TestRenameInputsObjectKeys(t *testing.T) {
	src := `inputs = {
  apps = {
    kiwi   = { size = "basic" }
    wasabi = { size = "standard-1x" }
  }
  flat   = { kiwi = 1, wasabi = 2 }
  colons = { kiwi: 1, wasabi: 2 }
  lines  = {
    kiwi: 1
    wasabi: 2
  }
  first  = { wasabi: 1 }
  pick   = [local.on ? wasabi : kiwi]
  broken = [for wasabi in local.xs : local.on ?
    wasabi : kiwi]
  nested = [for wasabi in local.xs : {for k, v in wasabi : k => v}]
}
`
	want := `inputs = {
  apps = {
    kiwi   = { size = "basic" }
    wasabi-v2 = { size = "standard-1x" }
  }
  flat   = { kiwi = 1, wasabi-v2 = 2 }
  colons = { kiwi: 1, wasabi-v2: 2 }
  lines  = {
    kiwi: 1
    wasabi-v2: 2
  }
  first  = { wasabi-v2: 1 }
  pick   = [local.on ? wasabi : kiwi]
  broken = [for wasabi in local.xs : local.on ?
    wasabi : kiwi]
  nested = [for wasabi in local.xs : {for k, v in wasabi : k => v}]
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
	var at []string
	for _, e := range edits {
		at = append(at, fmt.Sprintf("%s@%d:%d", e.Old, e.Line, e.Column))
	}
	if got := strings.Join(at, " "); got != "wasabi@4:5 wasabi@6:24 wasabi@7:23 wasabi@10:5 wasabi@12:14" {
		t.Errorf("edits at %s", got)
	}
}

// The path references of a unit.hcl are found with the range of their
// content (inside the quotes), and the edits that rewrite them say where.
func TestUnitPathRefRanges(t *testing.T) {
	src := "source = \"../m\"\ndependency \"net\" {\n  path = \"../network\"\n}\n"
	refs, err := UnitPathRefs("unit.hcl", []byte(src))
	if err != nil || len(refs) != 2 {
		t.Fatalf("refs %+v, %v", refs, err)
	}
	r := refs[1].Range
	if r.Start.Line != 3 || r.Start.Column != 11 || r.End.Line != 3 || r.End.Column != 21 || src[r.Start.Byte:r.End.Byte] != "../network" {
		t.Errorf("the range of ../network: %+v", r)
	}
	_, edits, err := ReplaceRefs("unit.hcl", []byte(src), refs, []string{"../m", "../../network"})
	if err != nil || len(edits) != 1 || edits[0] != (TextEdit{File: "unit.hcl", Line: 3, Column: 11, Old: "../network", New: "../../network"}) {
		t.Errorf("edits %+v, %v", edits, err)
	}
	for _, bad := range []string{`a"b`, `a\b`, "${x}", "%{x}", "a\nb"} {
		if _, _, err := ReplaceRefs("unit.hcl", []byte(src), refs, []string{"../m", bad}); err == nil || !strings.Contains(err.Error(), "as a plain string") {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
	// An empty source is a plain string too; escapes, templates and
	// heredocs are not.
	refs, err = UnitPathRefs("unit.hcl", []byte("source = \"\"\n"))
	if err != nil || len(refs) != 1 || refs[0].Value != "" {
		t.Errorf("an empty source: %+v, %v", refs, err)
	}
	for _, src := range []string{"source = \"a\\\\b\"\n", "source = \"${local.x}\"\n", "source = <<EOT\n../m\nEOT\n", "source = local.m\n"} {
		if refs, err := UnitPathRefs("unit.hcl", []byte(src)); err != nil || len(refs) != 0 {
			t.Errorf("%q: %+v, %v", src, refs, err)
		}
	}
}
