package terraform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// moduleInfo is what stackctl needs to know of a root module without
// running terraform: which variables it declares (inputs for anything else
// are left out of the tfvars file, as Terragrunt's TF_VAR_ inputs would be
// ignored) and a fingerprint of everything `terraform init` depends on.
type moduleInfo struct {
	Variables map[string]bool
	// Sensitive names the variables declared sensitive = true.
	Sensitive map[string]bool
	// InitFingerprint changes when required providers, provider blocks,
	// module calls or the resource types in use change.
	InitFingerprint string
	// NeedsProviders is false only for a module that certainly installs
	// no provider (terraform_data and the builtin provider alone, no
	// module calls): its init never writes to the shared plugin cache.
	NeedsProviders bool
}

var moduleSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "terraform"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "ephemeral", LabelNames: []string{"type", "name"}},
	},
}

var terraformBlockSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "required_providers"}}}

var variableSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "sensitive"}}}

var moduleCallSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "source"}, {Name: "version"}}}
var providerRefSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "provider"}}}

// inspectModule parses the .tf and .tf.json files of dir (not below it:
// that is how terraform reads a module), and for the fingerprint those of
// the local modules it calls.
func inspectModule(dir string) (*moduleInfo, error) {
	return inspectDir(dir, map[string]string{})
}

// inspectDir is inspectModule for dir and, through its local module calls,
// the modules it calls. children maps a child module's folder to its
// fingerprint ("" while it is being read, which breaks cycles).
func inspectDir(dir string, children map[string]string) (*moduleInfo, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	info := &moduleInfo{Variables: map[string]bool{}, Sensitive: map[string]bool{}}
	var facts []string
	parser := hclparse.NewParser()
	for _, e := range entries {
		name := e.Name()
		isJSON := strings.HasSuffix(name, ".tf.json")
		if e.IsDir() || strings.HasPrefix(name, ".") || !(isJSON || strings.HasSuffix(name, ".tf")) {
			continue
		}
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var file *hcl.File
		var diags hcl.Diagnostics
		if isJSON {
			file, diags = parser.ParseJSON(src, name)
		} else {
			file, diags = parser.ParseHCL(src, name)
		}
		if diags.HasErrors() {
			// terraform will report syntax errors itself, with context; the
			// fingerprint just has to change with the file.
			facts = append(facts, "unparsable "+name+" "+hashBytes(src))
			info.NeedsProviders = true
			continue
		}
		content, _, _ := file.Body.PartialContent(moduleSchema)
		if isJSON {
			// JSON configuration is rare; fingerprint the whole file.
			facts = append(facts, "json "+name+" "+hashBytes(src))
		}
		for _, b := range content.Blocks {
			switch b.Type {
			case "variable":
				info.Variables[b.Labels[0]] = true
				if c, _, _ := b.Body.PartialContent(variableSchema); c.Attributes["sensitive"] != nil {
					if v, d := c.Attributes["sensitive"].Expr.Value(nil); !d.HasErrors() && v.Type() == cty.Bool && v.IsKnown() && v.True() {
						info.Sensitive[b.Labels[0]] = true
					}
				}
			case "terraform":
				if !isJSON {
					facts = append(facts, "terraform "+string(blockBytes(src, b)))
				}
				if c, _, _ := b.Body.PartialContent(terraformBlockSchema); len(c.Blocks) > 0 {
					info.NeedsProviders = true
				}
			case "module":
				c, _, _ := b.Body.PartialContent(moduleCallSchema)
				fact := fmt.Sprintf("module %s source=%s version=%s", b.Labels[0],
					attrBytes(src, c.Attributes["source"]), attrBytes(src, c.Attributes["version"]))
				// terraform reads a local child module in place, but installs
				// its providers and module calls at init: a change there needs
				// an init as much as one in the root.
				if child, ok := localSource(c.Attributes["source"]); ok {
					fact += " content=" + childFingerprint(filepath.Join(dir, filepath.FromSlash(child)), children)
				}
				facts = append(facts, fact)
				info.NeedsProviders = true
			case "provider":
				facts = append(facts, "provider "+b.Labels[0])
				info.NeedsProviders = true
			case "resource", "data", "ephemeral":
				typ := b.Labels[0]
				if i := strings.Index(typ, "_"); i > 0 {
					typ = typ[:i]
				}
				c, _, _ := b.Body.PartialContent(providerRefSchema)
				facts = append(facts, fmt.Sprintf("uses %s %s", typ, attrBytes(src, c.Attributes["provider"])))
				if typ != "terraform" || c.Attributes["provider"] != nil {
					info.NeedsProviders = true
				}
			}
		}
	}
	sort.Strings(facts)
	facts = dedupe(facts)
	info.InitFingerprint = hashBytes([]byte(strings.Join(facts, "\n")))
	return info, nil
}

// localSource returns a module call's source when it is a local path,
// which terraform recognises by its "./" or "../" prefix.
func localSource(a *hcl.Attribute) (string, bool) {
	if a == nil {
		return "", false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", false
	}
	s := v.AsString()
	return s, strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../")
}

// childFingerprint is the init fingerprint of a local child module; a
// folder that cannot be read counts as empty (terraform says what is
// wrong with it).
func childFingerprint(dir string, children map[string]string) string {
	dir = filepath.Clean(dir)
	if fp, seen := children[dir]; seen {
		return fp
	}
	children[dir] = ""
	info, err := inspectDir(dir, children)
	if err != nil {
		return ""
	}
	children[dir] = info.InitFingerprint
	return info.InitFingerprint
}

func blockBytes(src []byte, b *hcl.Block) []byte {
	body, ok := b.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	r := hcl.RangeBetween(b.DefRange, body.SrcRange)
	if r.End.Byte > len(src) {
		return nil
	}
	return src[r.Start.Byte:r.End.Byte]
}

func attrBytes(src []byte, a *hcl.Attribute) string {
	if a == nil {
		return ""
	}
	r := a.Expr.Range()
	if r.End.Byte > len(src) {
		return ""
	}
	return string(src[r.Start.Byte:r.End.Byte])
}

func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// DeclaredVariables returns the variables a module folder declares, read
// without terraform (for render, which shows which inputs are not passed).
func DeclaredVariables(dir string) (map[string]bool, error) {
	info, err := inspectModule(dir)
	if err != nil {
		return nil, err
	}
	return info.Variables, nil
}

// moduleTree returns dir and the folder of every local module it
// calls, recursively (absolute and cleaned, dir first, then sorted). A call
// whose folder lies outside limit (the repository) is an error naming the
// file and line of the call: it would not be there on another machine.
func moduleTree(dir, limit string) ([]string, error) {
	dir = filepath.Clean(dir)
	seen := map[string]bool{dir: true}
	queue := []string{dir}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		calls, err := localCalls(d)
		if err != nil {
			if d == dir {
				return nil, err
			}
			// A called folder that cannot be read is still listed:
			// terraform says what is wrong with it.
			continue
		}
		for _, c := range calls {
			if seen[c.dir] {
				continue
			}
			if limit != "" && !within(limit, c.dir) {
				return nil, fmt.Errorf("%s:%d: module %q calls %q, which is outside the repository (%s): stackctl copies a unit's modules into its working folder, so every local module must be inside the repository; move it in, or use a remote source", c.file, c.line, c.name, c.source, limit)
			}
			seen[c.dir] = true
			queue = append(queue, c.dir)
		}
	}
	out := make([]string, 0, len(seen))
	for d := range seen {
		if d != dir {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return append([]string{dir}, out...), nil
}

type localCall struct {
	name, source, file string
	line               int
	dir                string
}

// localCalls reads the local module calls of one module folder.
func localCalls(dir string) ([]localCall, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	parser := hclparse.NewParser()
	var out []localCall
	for _, e := range entries {
		name := e.Name()
		isJSON := strings.HasSuffix(name, ".tf.json")
		if e.IsDir() || strings.HasPrefix(name, ".") || !(isJSON || strings.HasSuffix(name, ".tf")) {
			continue
		}
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var file *hcl.File
		var diags hcl.Diagnostics
		if isJSON {
			file, diags = parser.ParseJSON(src, path)
		} else {
			file, diags = parser.ParseHCL(src, path)
		}
		if file == nil || diags.HasErrors() {
			// terraform reports syntax errors itself, with context.
			continue
		}
		content, _, _ := file.Body.PartialContent(moduleSchema)
		for _, b := range content.Blocks {
			if b.Type != "module" {
				continue
			}
			c, _, _ := b.Body.PartialContent(moduleCallSchema)
			s, ok := localSource(c.Attributes["source"])
			if !ok {
				continue
			}
			// A "//" in a local source is terraform's own subfolder
			// notation: the folder before it is what must be present.
			base, _, _ := strings.Cut(s, "//")
			out = append(out, localCall{name: b.Labels[0], source: s, file: path, line: c.Attributes["source"].Range.Start.Line,
				dir: filepath.Clean(filepath.Join(dir, filepath.FromSlash(base)))})
		}
	}
	return out, nil
}

// LocalModuleDirs returns the folders of the local modules that the module
// in dir calls, directly or through other local modules: absolute, cleaned,
// sorted, without dir itself.
func LocalModuleDirs(dir string) ([]string, error) {
	dirs, err := moduleTree(dir, "")
	if err != nil {
		return nil, err
	}
	return dirs[1:], nil
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// commonDir is the deepest folder that holds every one of dirs.
func commonDir(dirs []string) string {
	base := dirs[0]
	for _, d := range dirs[1:] {
		for !within(base, d) {
			parent := filepath.Dir(base)
			if parent == base {
				return base
			}
			base = parent
		}
	}
	return base
}
