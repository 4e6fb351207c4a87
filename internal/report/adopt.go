package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/ops"
)

// WriteAdoption shows what an import did in one unit: the imports, the
// files written, the repairs of generated configuration, the secrets to
// set, and what the plan does. Values are masked already (adopt.Check).
func WriteAdoption(w io.Writer, unit string, a *ops.Adoption) {
	for _, imp := range a.Imports {
		fmt.Fprintf(w, "%s: import %s ← %s\n", unit, imp.To, imp.ID)
	}
	if len(a.Written) > 0 {
		fmt.Fprintf(w, "  wrote %s\n", strings.Join(a.Written, ", "))
	}
	for _, f := range a.Fixes {
		fmt.Fprintf(w, "  repaired %s: %s %s\n", f.Address, f.Attribute, f.What)
	}
	for _, v := range a.Variables {
		state := "set"
		for _, m := range a.Missing {
			if m == v.Name {
				state = "NOT SET: set it in the inputs of " + a.UnitFile + " (sensitive) before planning"
			}
		}
		fmt.Fprintf(w, "  secret %s of %s: terraform cannot read it back; input %s %s\n", v.Attribute, v.Address, v.Name, state)
	}
	c := a.Check
	if c == nil {
		return
	}
	for _, ch := range c.Imports {
		if !ch.Imported {
			continue
		}
		line := fmt.Sprintf("  plan: imports %s", ch.Address)
		if len(ch.AddsTags) > 0 {
			line += "; default_tags add " + strings.Join(ch.AddsTags, ", ")
		}
		if len(ch.Defaults) > 0 {
			line += "; records the defaults of " + strings.Join(ch.Defaults, ", ")
		}
		fmt.Fprintln(w, line)
	}
	if c.OK {
		fmt.Fprintln(w, "  plan: changes nothing else")
		return
	}
	fmt.Fprintln(w, "  the plan does more than import:")
	for _, p := range c.Problems() {
		fmt.Fprintf(w, "    - %s\n", p)
	}
}

// WriteDiscovered lists resources no unit's state manages: type, ID, the
// suggested unit and address, and why that unit.
func WriteDiscovered(w io.Writer, env string, found []*adopt.Unmanaged) {
	if len(found) == 0 {
		fmt.Fprintf(w, "Every resource of %s that discovery found is managed by a unit's state.\n", env)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tID\tUNIT\tADDRESS\tWHY")
	for _, u := range found {
		typ, unit, addr := u.Type, u.Unit, u.Address
		if typ == "" {
			typ = "(unknown: " + u.ARN + ")"
		}
		if unit == "" {
			unit = "-"
		}
		if addr == "" {
			addr = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", typ, u.ID, unit, addr, u.Reason)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d resource(s) of %s no unit's state manages.\n", len(found), env)
}
