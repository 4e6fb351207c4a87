package convert

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// checkExposed reports a unit's first reference to include.LABEL when
// that include block does not set expose = true: Terragrunt makes an
// included file readable only then, and refuses the reference otherwise
// ("Unknown variable"). The conversion goes on as if it were set, which is
// what the reference means; the issue is the user's to confirm.
func (c *converter) checkExposed(u *tgUnit) {
	hidden := map[string]*include{}
	for _, inc := range u.includes {
		if !inc.expose {
			hidden[inc.label] = inc
		}
	}
	if len(hidden) == 0 {
		return
	}
	var refs []hcl.Traversal
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			for _, tr := range a.Expr.Variables() {
				if label, ok := stepName(tr, 1); ok && tr.RootName() == "include" && hidden[label] != nil {
					refs = append(refs, tr)
				}
			}
		}
		for _, blk := range b.Blocks {
			walk(blk.Body)
		}
	}
	walk(u.file.body)
	// Attributes come from a map: the first reference is the first in the file.
	slices.SortFunc(refs, func(a, b hcl.Traversal) int {
		return cmp.Compare(a.SourceRange().Start.Byte, b.SourceRange().Start.Byte)
	})
	reported := map[string]bool{}
	for _, tr := range refs {
		label, _ := stepName(tr, 1)
		if reported[label] {
			continue
		}
		reported[label] = true
		c.issue(tr.SourceRange(), "include."+label, fmt.Sprintf(
			"its include block (line %d) does not set expose = true, so Terragrunt refuses the reference; converted as if it did: add expose = true there, or use the value itself",
			hidden[label].block.DefRange().Start.Line))
	}
}
