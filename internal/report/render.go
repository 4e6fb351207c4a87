package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/ops"
)

// WriteRenderJSON prints an environment's rendered units as one document.
func WriteRenderJSON(w io.Writer, env string, units []ops.RenderedUnit) error {
	if units == nil {
		units = []ops.RenderedUnit{}
	}
	return WriteJSON(w, struct {
		Environment string             `json:"environment"`
		Units       []ops.RenderedUnit `json:"units"`
	}{env, units})
}

// WriteRenderText prints rendered units for people. Root and env inputs
// are shared by modules that do not all declare them, so those the module
// does not take are left out unless all; a unit's own input that is not
// passed is always shown, marked: it is most likely a typo.
func WriteRenderText(w io.Writer, units []ops.RenderedUnit, all bool) {
	for i, u := range units {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "unit %s (%s)\n", u.Path, u.File)
		src := u.Source.Raw
		switch u.Source.Kind {
		case "local":
			src += " → " + u.Source.Path
			if u.Source.Subdir != "" {
				src += " (runs in " + u.Source.Subdir + ")"
			}
		case "none":
			src = "(none: the unit folder's own .tf files)"
		}
		fmt.Fprintf(w, "  source   %s\n", src)
		fmt.Fprintf(w, "  backend  %s %s\n", u.Backend.Type, u.Backend.State)
		for _, d := range u.Dependencies {
			fmt.Fprintf(w, "  depends  %s → %s (outputs from %s)\n", d.Name, d.Path, d.From)
		}
		if len(u.InputOrder) == 0 {
			fmt.Fprintln(w, "  inputs   (none)")
			continue
		}
		fmt.Fprintln(w, "  inputs")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		hidden := 0
		for _, name := range u.InputOrder {
			in := u.Inputs[name]
			if !all && in.Passed != nil && !*in.Passed && in.Layer != "unit" {
				hidden++
				continue
			}
			where := fmt.Sprintf("%s\t%s:%d:%d", in.Layer, in.File, in.Line, in.Column)
			if len(in.Overrides) > 0 {
				where += " (overrides " + strings.Join(in.Overrides, ", ") + ")"
			}
			if in.Passed != nil && !*in.Passed {
				where += " — not passed: the module declares no such variable"
			}
			fmt.Fprintf(tw, "    %s\t= %s\t%s\n", name, oneLine(in.Text, 60), where)
		}
		tw.Flush()
		if hidden > 0 {
			fmt.Fprintf(w, "  (%d shared root/env input(s) this module declares no variable for are not shown; --all shows them)\n", hidden)
		}
	}
}

// WriteRenderHCL prints rendered units as HCL, secrets masked.
func WriteRenderHCL(w io.Writer, units []ops.RenderedUnit) {
	for i, u := range units {
		if i > 0 {
			fmt.Fprintln(w)
		}
		f := hclwrite.NewEmptyFile()
		body := f.Body()
		body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# unit " + u.Path + " (" + u.File + ")\n")}})
		if u.Source.Raw != "" {
			body.SetAttributeValue("source", cty.StringVal(u.Source.Raw))
		}
		b := body.AppendNewBlock("backend", []string{u.Backend.Type}).Body()
		for _, k := range slices.Sorted(maps.Keys(u.BackendConfig)) {
			b.SetAttributeValue(k, u.BackendConfig[k])
		}
		inputs := map[string]cty.Value{}
		for _, name := range u.InputOrder {
			inputs[name] = u.Inputs[name].Val
		}
		body.SetAttributeValue("inputs", cty.ObjectVal(inputs)) // {} when there are none
		_, _ = w.Write(hclwrite.Format(f.Bytes()))
	}
}

func oneLine(s string, n int) string {
	return truncate(strings.Join(strings.Fields(s), " "), n)
}
