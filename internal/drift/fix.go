package drift

import (
	"fmt"
	"strings"
)

// Fix is where to change the configuration so that it agrees with
// reality, for an attribute the next apply reverts: the other way to end
// the drift. The caller fills it in (it knows where each stackctl input
// is written); Analyze only gives the root variables (Origin.Variables).
type Fix struct {
	// File and Line are where the value is written, as shown to people:
	// the stackctl file that sets the input, or the module's own line when
	// the value is written there.
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	// Input is the stackctl input that sets the root variable; "" when the
	// module itself writes the value.
	Input string `json:"input,omitempty"`
	// Unset: no stackctl file sets Input, the module's default applies;
	// File is then the unit.hcl where it can be set.
	Unset bool `json:"unset,omitempty"`
	// To is the value to write (the value now, as JSON), given only when
	// the input is the attribute's value itself and the value is not
	// secret.
	To string `json:"to,omitempty"`
}

// String is the fix as one instruction.
func (f *Fix) String() string {
	where := f.File
	if f.Line > 0 {
		where = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	var b strings.Builder
	switch {
	case f.Input != "" && f.Unset:
		fmt.Fprintf(&b, "set input %s in %s (the module's default applies now)", f.Input, where)
	case f.Input != "":
		fmt.Fprintf(&b, "change %s (%s)", where, f.Input)
	default:
		fmt.Fprintf(&b, "change %s", where)
	}
	if f.To != "" {
		b.WriteString(" to " + f.To)
	}
	b.WriteString(" so code agrees with reality")
	return b.String()
}

// fixText lists an attribute's fixes for the views; "" when it has none.
func fixText(a *Attribute) string {
	parts := make([]string, 0, len(a.Fix))
	for _, f := range a.Fix {
		parts = append(parts, f.String())
	}
	return strings.Join(parts, "; ")
}
