package config

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// savedAttr is a top-level attribute whose syntax tree was dropped once
// its unit was loaded: the file's bytes (shared with the ones kept for
// messages) and where the attribute is in them. A unit's inputs are
// evaluated only when it runs, and their tree is several times the size
// of the text, so a unit keeps the text and parses it again then.
type savedAttr struct {
	src   []byte
	name  string
	start hcl.Pos // of the attribute's name
	end   int     // byte just after its expression
	file  string  // the name shown in messages
}

func saveAttr(a *hcl.Attribute, src []byte) *savedAttr {
	return &savedAttr{src: src, name: a.Name, start: a.NameRange.Start, end: a.Expr.Range().End.Byte, file: a.NameRange.Filename}
}

// attr parses the attribute again from the same bytes and position, so it
// has the same ranges as the first time and its messages point at the
// same lines.
func (s *savedAttr) attr() (*hcl.Attribute, hcl.Diagnostics) {
	// To the end of the expression's last line: a heredoc's closing
	// marker ends with its newline.
	end := s.end
	if i := bytes.IndexByte(s.src[end:], '\n'); i >= 0 {
		end += i + 1
	} else {
		end = len(s.src)
	}
	if a := s.parse(s.src[s.start.Byte:end], s.start); a != nil && a.Expr.Range().End.Byte == s.end {
		return a, nil
	}
	// A comment that starts on the expression's last line and ends on a
	// later one: the whole file, then, as the first time.
	if a := s.parse(s.src, hcl.InitialPos); a != nil {
		return a, nil
	}
	_, diags := hclsyntax.ParseConfig(s.src, s.file, hcl.InitialPos)
	return nil, diags
}

func (s *savedAttr) parse(src []byte, start hcl.Pos) *hcl.Attribute {
	f, diags := hclsyntax.ParseConfig(src, s.file, start)
	if diags.HasErrors() {
		return nil
	}
	a := f.Body.(*hclsyntax.Body).Attributes[s.name]
	if a == nil {
		return nil
	}
	return a.AsHCLAttribute()
}
