package adopt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// ImportsFile is where import blocks are written in a unit folder.
const ImportsFile = "imports.tf"

// Import is one import block: the object with ID becomes Address.
type Import struct {
	To Address `json:"to"`
	ID string  `json:"id"`
}

// WriteImports appends import blocks to dir/imports.tf, keeping what the
// file holds (comments included). A block identical to one in any .tf file
// of dir is not written again; an import of the same address with another
// ID is an error, and then nothing is written. It returns the blocks
// added.
func WriteImports(dir string, imps []Import) ([]Import, error) {
	existing, err := existingImports(dir)
	if err != nil {
		return nil, err
	}
	var add []Import
	seen := map[string]string{}
	for _, imp := range imps {
		if imp.ID == "" {
			return nil, fmt.Errorf("import of %s: the resource ID is empty", imp.To)
		}
		if imp.To.traversal == nil {
			a, err := ParseAddress(imp.To.String())
			if err != nil {
				return nil, err
			}
			imp.To = a
		}
		key := imp.To.String()
		if id, ok := existing[key]; ok {
			if id.id != imp.ID {
				return nil, fmt.Errorf("%s already imports %s from ID %q; remove that block first to import ID %q", id.where, key, id.id, imp.ID)
			}
			continue
		}
		if id, ok := seen[key]; ok {
			if id != imp.ID {
				return nil, fmt.Errorf("%s is imported twice, from %q and %q", key, id, imp.ID)
			}
			continue
		}
		seen[key] = imp.ID
		add = append(add, imp)
	}
	if len(add) == 0 {
		return nil, nil
	}
	path := filepath.Join(dir, ImportsFile)
	src, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	f, diags := hclwrite.ParseConfig(src, ImportsFile, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s does not parse; fix it before adding imports: %s", path, diags.Error())
	}
	body := f.Body()
	for _, imp := range add {
		if len(body.Blocks()) > 0 || len(bytes.TrimSpace(f.Bytes())) > 0 {
			body.AppendNewline()
		}
		b := body.AppendNewBlock("import", nil).Body()
		b.SetAttributeTraversal("to", imp.To.traversal)
		b.SetAttributeValue("id", cty.StringVal(imp.ID))
	}
	if err := writeFile(path, hclwrite.Format(f.Bytes())); err != nil {
		return nil, err
	}
	return add, nil
}

type importAt struct{ id, where string }

// existingImports reads the import blocks of every .tf file in dir.
func existingImports(dir string) (map[string]importAt, error) {
	out := map[string]importAt{}
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	for _, p := range files {
		body, src, err := parseBody(p)
		if err != nil {
			return nil, err
		}
		for _, b := range body.Blocks {
			if b.Type != "import" {
				continue
			}
			to, id := b.Body.Attributes["to"], b.Body.Attributes["id"]
			if to == nil || id == nil {
				continue
			}
			tr, diags := hcl.AbsTraversalForExpr(to.Expr)
			if diags.HasErrors() {
				continue
			}
			key := traversalString(tr)
			val, diags := id.Expr.Value(nil)
			idText := string(id.Expr.Range().SliceBytes(src))
			if !diags.HasErrors() && val.Type() == cty.String && val.IsKnown() && !val.IsNull() {
				idText = val.AsString()
			}
			out[key] = importAt{id: idText, where: fmt.Sprintf("%s:%d", filepath.Base(p), b.TypeRange.Start.Line)}
		}
	}
	return out, nil
}

func parseBody(path string) (*hclsyntax.Body, []byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	f, diags := hclsyntax.ParseConfig(src, filepath.Base(path), hcl.InitialPos)
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("%s does not parse: %s", path, diags.Error())
	}
	return f.Body.(*hclsyntax.Body), src, nil
}

func traversalString(tr hcl.Traversal) string {
	var b strings.Builder
	for i, t := range tr {
		if n := stepName(t); n != "" {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(n)
			continue
		}
		if k, ok := indexKey(t); ok {
			b.WriteString(k)
		}
	}
	return b.String()
}

// Blocks are the resource blocks (TYPE.NAME) of a root module.
type Blocks map[string]bool

// Declared reads the resource blocks of dir's .tf files: the root
// module's, when dir is a working folder. Read once, it answers
// NeedsConfig for every import and tells Repair what it may refer to.
func Declared(dir string) (Blocks, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	out := Blocks{}
	for _, p := range files {
		body, _, err := parseBody(p)
		if err != nil {
			return nil, err
		}
		for _, b := range body.Blocks {
			if b.Type == "resource" && len(b.Labels) == 2 {
				out[b.Labels[0]+"."+b.Labels[1]] = true
			}
		}
	}
	return out, nil
}

// NeedsConfig reports whether the root module has no resource block for
// addr, so the plan must generate one (-generate-config-out). Terraform
// generates configuration for the root module only: an address in a
// child module without a block there is an error terraform reports
// itself.
func (b Blocks) NeedsConfig(addr Address) bool {
	return addr.Module == "" && !b[addr.Config()]
}

var notName = regexp.MustCompile(`[^a-z0-9_]+`)

// GeneratedFile is a new file name in dir for -generate-config-out
// (generated_NAME.tf): terraform refuses to write into an existing file.
func GeneratedFile(dir, name string) string {
	base := "generated_" + strings.Trim(notName.ReplaceAllString(strings.ToLower(name), "_"), "_")
	for i := 1; ; i++ {
		n := base + ".tf"
		if i > 1 {
			n = fmt.Sprintf("%s_%d.tf", base, i)
		}
		if _, err := os.Stat(filepath.Join(dir, n)); os.IsNotExist(err) {
			return n
		}
	}
}

// writeFile replaces path atomically.
func writeFile(path string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".stackctl-*.tf.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
