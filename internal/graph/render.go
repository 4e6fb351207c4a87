package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats accepted by Write.
var Formats = []string{"dot", "mermaid", "json"}

// Write prints the graph in one of Formats. Edges point from a unit to what
// it depends on, as in `terraform graph`.
func (g *Graph) Write(w io.Writer, format string) error {
	switch format {
	case "dot":
		return g.dot(w)
	case "mermaid":
		return g.mermaid(w)
	case "json":
		return g.json(w)
	default:
		return fmt.Errorf("unknown graph format %q; use one of %s", format, strings.Join(Formats, ", "))
	}
}

func (g *Graph) dot(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph units {\n\trankdir = \"RL\";\n")
	for _, n := range g.order {
		fmt.Fprintf(&b, "\t%q;\n", n)
	}
	for _, n := range g.order {
		for _, d := range g.deps[n] {
			if g.OrderOnly(n, d) {
				fmt.Fprintf(&b, "\t%q -> %q [style = dashed, label = \"order only\"];\n", n, d)
				continue
			}
			fmt.Fprintf(&b, "\t%q -> %q;\n", n, d)
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaid ids must be plain words, so units get n0, n1, … with their path
// as the label.
func (g *Graph) mermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("graph RL\n")
	id := make(map[string]string, len(g.order))
	for i, n := range g.order {
		id[n] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(&b, "    %s[\"%s\"]\n", id[n], strings.ReplaceAll(n, `"`, "#quot;"))
	}
	for _, n := range g.order {
		for _, d := range g.deps[n] {
			if g.OrderOnly(n, d) {
				fmt.Fprintf(&b, "    %s -. order only .-> %s\n", id[n], id[d])
				continue
			}
			fmt.Fprintf(&b, "    %s --> %s\n", id[n], id[d])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonUnit struct {
	Path string `json:"path"`
	// Dependencies are every unit that runs first; OrderOnly lists those
	// among them whose outputs are not read (dependencies { paths }).
	Dependencies []string `json:"dependencies"`
	OrderOnly    []string `json:"order_only"`
	Dependents   []string `json:"dependents"`
}

func (g *Graph) json(w io.Writer) error {
	out := struct {
		Units []jsonUnit `json:"units"`
	}{Units: make([]jsonUnit, 0, len(g.order))}
	for _, n := range g.order {
		var orderOnly []string
		for _, d := range g.deps[n] {
			if g.OrderOnly(n, d) {
				orderOnly = append(orderOnly, d)
			}
		}
		out.Units = append(out.Units, jsonUnit{Path: n, Dependencies: nonNil(g.deps[n]), OrderOnly: nonNil(orderOnly), Dependents: nonNil(g.rdeps[n])})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
