package graph

// Subgraph is the graph of the selected units only, with the edges between
// them (graph --unit, --changed-since). Edges through units left out are
// not drawn.
func (g *Graph) Subgraph(selected map[string]bool) *Graph {
	var nodes []string
	deps := map[string][]string{}
	for _, n := range g.nodes {
		if !selected[n] {
			continue
		}
		nodes = append(nodes, n)
		for _, d := range g.deps[n] {
			if selected[d] {
				deps[n] = append(deps[n], d)
			}
		}
	}
	sub, _ := New(nodes, deps) // a part of an acyclic graph has no cycle
	return sub
}
