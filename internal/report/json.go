package report

import (
	"encoding/json"
	"io"
)

// WriteJSON prints v as one indented JSON document and a newline: every
// --json form has this shape, and for one unit's outputs it is byte for
// byte what `terraform output -json` prints.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
