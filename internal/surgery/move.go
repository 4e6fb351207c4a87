package surgery

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/state"
)

// Moved is what MoveAcross did.
type Moved struct {
	From    string   `json:"from"` // unit:address
	To      string   `json:"to"`
	Objects int      `json:"objects"`
	IDs     []string `json:"ids,omitempty"`
	// Dependents are resources left in the source that recorded a
	// dependency on what moved: their configuration must now reach it
	// through a dependency output.
	Dependents []string `json:"dependents,omitempty"`
}

// MoveAcross moves what from names in src to the address to in dst, as
// `terraform state mv` does, when src and dst are the states of two
// units (or one, when they are the same). The moved instances keep the
// dependencies recorded on resources that moved with them; those on
// resources left behind are dropped (a dependency across states is a
// dependency block, not a state entry), and so are the entries of
// resources left behind that depended on what moved.
func MoveAcross(src *state.State, from string, dst *state.State, to string) (*Moved, error) {
	fa, err := state.ParseAddress(from)
	if err != nil {
		return nil, err
	}
	res, err := src.Resource(from)
	if err != nil {
		return nil, err
	}
	if res == nil {
		return nil, fmt.Errorf("%s is not in the state", from)
	}
	moving := 0
	var ids []string
	for _, i := range res.Instances {
		if !fa.HasKey || i.IndexKey == fa.Key {
			moving++
			if id, err := i.Attribute("id"); err == nil {
				if s, ok := id.(string); ok && !slices.Contains(ids, s) {
					ids = append(ids, s)
				}
			}
		}
	}
	if moving == 0 {
		return nil, fmt.Errorf("%s is not in the state", from)
	}
	oldRes := fa.Resource().String()
	wholeResource := !fa.HasKey || len(res.Instances) == moving
	if err := state.Move(src, from, dst, to); err != nil {
		return nil, err
	}
	m := &Moved{From: from, To: to, Objects: moving, IDs: ids}
	if src == dst {
		return m, nil
	}
	ta, _ := state.ParseAddress(to)
	newRes := ta.Resource().String()
	if target, _ := dst.Resource(newRes); target != nil {
		for _, i := range target.Instances {
			i.Dependencies = slices.DeleteFunc(i.Dependencies, func(d string) bool {
				return d != newRes && !exists(dst, d)
			})
			if len(i.Dependencies) == 0 {
				i.Dependencies = nil
			}
		}
	}
	if wholeResource {
		for _, r := range src.Resources {
			for _, i := range r.Instances {
				if slices.Contains(i.Dependencies, oldRes) {
					i.Dependencies = slices.DeleteFunc(i.Dependencies, func(d string) bool { return d == oldRes })
					if len(i.Dependencies) == 0 {
						i.Dependencies = nil
					}
					if !slices.Contains(m.Dependents, r.Address()) {
						m.Dependents = append(m.Dependents, r.Address())
					}
				}
			}
		}
		sort.Strings(m.Dependents)
	}
	return m, nil
}

func exists(st *state.State, addr string) bool {
	r, err := st.Resource(addr)
	return err == nil && r != nil
}

// BlockAt finds the resource block an address (without module path)
// names in a module folder's .tf files: "main.tf:12", or "".
func BlockAt(dir string, addr string) string {
	a, err := state.ParseAddress(addr)
	if err != nil || a.Module != "" {
		return ""
	}
	kind := "resource"
	if a.Mode == state.ModeData {
		kind = "data"
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		if diags.HasErrors() {
			continue
		}
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			if b.Type == kind && len(b.Labels) == 2 && b.Labels[0] == a.Type && b.Labels[1] == a.Name {
				return fmt.Sprintf("%s:%d", path, b.DefRange().Start.Line)
			}
		}
	}
	return ""
}

// MovedBlocks renders the configuration-driven form of a move, for
// --write-moved: a removed block (forget without destroying) for the
// source unit and an import block for the destination, so that the next
// apply moves the object through terraform itself.
func MovedBlocks(from, to, id string) (removed, imported []byte, err error) {
	fa, err := state.ParseAddress(from)
	if err != nil {
		return nil, nil, err
	}
	if fa.HasKey {
		return nil, nil, fmt.Errorf("--write-moved moves whole resources: a removed block cannot name one instance (%s)", from)
	}
	ft, tt, err := traversals(from, to)
	if err != nil {
		return nil, nil, err
	}
	rf := hclwrite.NewEmptyFile()
	rf.Body().AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# Written by stackctl state mv --write-moved: " + from + " moves to another unit; forget it here without destroying it.\n")}})
	rb := rf.Body().AppendNewBlock("removed", nil).Body()
	rb.SetAttributeTraversal("from", ft)
	rb.AppendNewBlock("lifecycle", nil).Body().SetAttributeValue("destroy", cty.False)
	imf := hclwrite.NewEmptyFile()
	imf.Body().AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# Written by stackctl state mv --write-moved: " + to + " is adopted here with the ID the other unit's state has.\n")}})
	ib := imf.Body().AppendNewBlock("import", nil).Body()
	ib.SetAttributeTraversal("to", tt)
	ib.SetAttributeValue("id", cty.StringVal(id))
	return rf.Bytes(), imf.Bytes(), nil
}

// MovedBlock is terraform's moved block for a rename within one unit:
// from and to may be resources or instances of one type.
func MovedBlock(from, to string) ([]byte, error) {
	ft, tt, err := traversals(from, to)
	if err != nil {
		return nil, err
	}
	f := hclwrite.NewEmptyFile()
	f.Body().AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# Written by stackctl state mv --write-moved: " + from + " is renamed " + to + " in this unit; terraform moves it at the next apply.\n")}})
	b := f.Body().AppendNewBlock("moved", nil).Body()
	b.SetAttributeTraversal("from", ft)
	b.SetAttributeTraversal("to", tt)
	return f.Bytes(), nil
}

// traversals parses two resource addresses as configuration writes them.
func traversals(from, to string) (hcl.Traversal, hcl.Traversal, error) {
	ft, diags := hclsyntax.ParseTraversalAbs([]byte(from), "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("%q is not a resource address: %s", from, diags.Error())
	}
	tt, diags := hclsyntax.ParseTraversalAbs([]byte(to), "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("%q is not a resource address: %s", to, diags.Error())
	}
	return ft, tt, nil
}
