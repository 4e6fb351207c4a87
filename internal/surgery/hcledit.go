package surgery

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The edits to stackctl's HCL files are made on the file's bytes, at the
// ranges hclsyntax's lexer gives: hclwrite re-formats a whole file when it
// writes it (File.Bytes runs its formatter), which would change lines the
// edit never touched. Everything but the replaced literals stays byte for
// byte, comments and alignment included, and the result is parsed again
// before it is kept.

// TextEdit is one replacement in a file, for people: where and what.
type TextEdit struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Old    string `json:"old"`
	New    string `json:"new"`
}

type splice struct {
	start, end int // byte offsets in the source
	text       string
	edit       TextEdit
}

// apply makes the splices (which must not overlap) and checks that the
// result still parses.
func apply(filename string, src []byte, sp []splice) ([]byte, []TextEdit, error) {
	if len(sp) == 0 {
		return src, nil, nil
	}
	sort.Slice(sp, func(i, j int) bool { return sp[i].start < sp[j].start })
	var out bytes.Buffer
	last := 0
	edits := make([]TextEdit, 0, len(sp))
	for _, s := range sp {
		if s.start < last {
			return nil, nil, fmt.Errorf("%s: overlapping edits at line %d", filename, s.edit.Line)
		}
		out.Write(src[last:s.start])
		out.WriteString(s.text)
		last = s.end
		edits = append(edits, s.edit)
	}
	out.Write(src[last:])
	if _, diags := hclsyntax.ParseConfig(out.Bytes(), filename, hcl.InitialPos); diags.HasErrors() {
		return nil, nil, fmt.Errorf("%s would not parse after the edit (%s); it was left as it is", filename, diags.Error())
	}
	return out.Bytes(), edits, nil
}

// RenameInputs renames r.Old to r.New in the string literals (and object
// keys written as names) of the attributes named attrs and of every
// attribute of the blocks of type blocks (locals), in one stackctl file.
// It returns the new content (src itself when nothing changed) and the
// edits.
func RenameInputs(filename string, src []byte, r *Renamer, attrs, blocks []string) ([]byte, []TextEdit, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("%s: %s", filename, diags.Error())
	}
	body := f.Body.(*hclsyntax.Body)
	var ranges []hcl.Range
	for _, name := range attrs {
		if a, ok := body.Attributes[name]; ok {
			ranges = append(ranges, a.Expr.Range())
		}
	}
	for _, b := range body.Blocks {
		for _, want := range blocks {
			if b.Type == want {
				for _, a := range b.Body.Attributes {
					ranges = append(ranges, a.Expr.Range())
				}
			}
		}
	}
	if len(ranges) == 0 {
		return src, nil, nil
	}
	toks, diags := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("%s: %s", filename, diags.Error())
	}
	inside := func(t hclsyntax.Token) bool {
		for _, rg := range ranges {
			if t.Range.Start.Byte >= rg.Start.Byte && t.Range.End.Byte <= rg.End.Byte {
				return true
			}
		}
		return false
	}
	var sp []splice
	for i, t := range toks {
		if !inside(t) {
			continue
		}
		text := string(t.Bytes)
		edit := TextEdit{File: filename, Line: t.Range.Start.Line, Column: t.Range.Start.Column, Old: text}
		switch t.Type {
		case hclsyntax.TokenQuotedLit, hclsyntax.TokenStringLit:
			e := Edges{
				OpenStart: i > 0 && toks[i-1].Type == hclsyntax.TokenTemplateSeqEnd,
				OpenEnd:   i+1 < len(toks) && (toks[i+1].Type == hclsyntax.TokenTemplateInterp || toks[i+1].Type == hclsyntax.TokenTemplateControl),
			}
			if nt, n := r.ReplaceEdges(text, e); n > 0 {
				edit.New = nt
				sp = append(sp, splice{t.Range.Start.Byte, t.Range.End.Byte, nt, edit})
			}
		case hclsyntax.TokenIdent:
			if text != r.Old || !isObjectKey(toks, i) {
				continue
			}
			nt := r.New
			if !hclName(nt) {
				nt = `"` + nt + `"`
			}
			edit.New = nt
			sp = append(sp, splice{t.Range.Start.Byte, t.Range.End.Byte, nt, edit})
		}
	}
	return apply(filename, src, sp)
}

// isObjectKey reports whether the name at toks[i] is an object key
// written as a bare name: wasabi = … anywhere (inside an expression, = only
// ever follows an object key), or wasabi: … after {, a comma or a line
// break, but not a line break after a conditional's ? (in cond ? wasabi :
// other the colon is not a key's, on one line or two).
func isObjectKey(toks hclsyntax.Tokens, i int) bool {
	next := i + 1
	if next >= len(toks) {
		return false
	}
	switch toks[next].Type {
	case hclsyntax.TokenEqual:
		return true
	case hclsyntax.TokenColon:
		prev := i - 1
		for prev >= 0 && toks[prev].Type == hclsyntax.TokenNewline {
			prev--
		}
		if prev < 0 {
			return false
		}
		switch toks[prev].Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenComma:
			return true
		case hclsyntax.TokenQuestion:
			return false
		}
		return prev < i-1 // a line break ends the previous key's value
	}
	return false
}

// PathRef is a relative path written in a stackctl file as a plain string
// literal: the `source` of a unit or the `path` of a dependency block.
type PathRef struct {
	// Kind is "source" or "dependency NAME".
	Kind  string
	Value string
	Range hcl.Range // of the literal's content, without the quotes
}

// UnitPathRefs finds the source and the dependency paths of a unit.hcl.
// A dependency path that is not a plain string literal is an error: it
// cannot be rewritten safely. A source that is not one is left out (it is
// then not a local path stackctl can follow).
func UnitPathRefs(filename string, src []byte) ([]PathRef, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", filename, diags.Error())
	}
	body := f.Body.(*hclsyntax.Body)
	var refs []PathRef
	if a, ok := body.Attributes["source"]; ok {
		if v, rg, ok := literal(src, a.Expr); ok {
			refs = append(refs, PathRef{Kind: "source", Value: v, Range: rg})
		}
	}
	for _, b := range body.Blocks {
		if b.Type != "dependency" || len(b.Labels) != 1 {
			continue
		}
		a, ok := b.Body.Attributes["path"]
		if !ok {
			continue
		}
		v, rg, ok := literal(src, a.Expr)
		if !ok {
			r := a.Expr.Range()
			return nil, fmt.Errorf("%s:%d:%d: the path of dependency %q is an expression, not a plain string: write it as a relative path such as \"../network\" so that it can be rewritten",
				filename, r.Start.Line, r.Start.Column, b.Labels[0])
		}
		refs = append(refs, PathRef{Kind: "dependency " + b.Labels[0], Value: v, Range: rg})
	}
	return refs, nil
}

// literal returns the value and the content range of an expression that
// is one quoted string without interpolation or escapes.
func literal(src []byte, e hclsyntax.Expression) (string, hcl.Range, bool) {
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return "", hcl.Range{}, false
	}
	lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || lit.Val.Type().FriendlyName() != "string" {
		return "", hcl.Range{}, false
	}
	rg := t.Range()
	// The expression's range includes the quotes.
	if rg.End.Byte-rg.Start.Byte < 2 || src[rg.Start.Byte] != '"' || src[rg.End.Byte-1] != '"' {
		return "", hcl.Range{}, false
	}
	content := hcl.Range{Filename: rg.Filename, Start: rg.Start, End: rg.End}
	content.Start.Byte++
	content.Start.Column++
	content.End.Byte--
	content.End.Column--
	raw := string(src[content.Start.Byte:content.End.Byte])
	if strings.ContainsAny(raw, `\$%`) || raw != lit.Val.AsString() {
		return "", hcl.Range{}, false
	}
	return raw, content, true
}

// ReplaceRefs rewrites the given references to new values.
func ReplaceRefs(filename string, src []byte, refs []PathRef, values []string) ([]byte, []TextEdit, error) {
	var sp []splice
	for i, ref := range refs {
		if values[i] == ref.Value {
			continue
		}
		if strings.ContainsAny(values[i], "\"\\$%\n") {
			return nil, nil, fmt.Errorf("%s: cannot write %q as a plain string", filename, values[i])
		}
		sp = append(sp, splice{ref.Range.Start.Byte, ref.Range.End.Byte, values[i],
			TextEdit{File: filename, Line: ref.Range.Start.Line, Column: ref.Range.Start.Column, Old: ref.Value, New: values[i]}})
	}
	return apply(filename, src, sp)
}
