package convert

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// emitEnv writes env.hcl: the locals of the hierarchy files the
// environment's units read (account.hcl, region.hcl, env.hcl), folded
// into vars, outermost first, each with the file it came from.
func (c *converter) emitEnv(e *tgEnv) {
	var w strings.Builder
	fmt.Fprintf(&w, "# Environment %s, converted from Terragrunt's %s by stackctl convert terragrunt.\n", e.name, e.rel)
	var from []string
	for _, s := range e.stemOrder() {
		from = append(from, e.stems[s].rel)
	}
	if len(from) > 0 {
		fmt.Fprintf(&w, "# vars are the locals of %s.\n", strings.Join(from, ", "))
	}
	w.WriteString("vars = {\n")
	for i, stem := range e.stemOrder() {
		f := e.stems[stem]
		if i > 0 {
			w.WriteString("\n")
		}
		fmt.Fprintf(&w, "# %s\n", f.rel)
		vals := c.ev.fileLocals(f, f.path, nil, false)
		for _, key := range hierarchyLocals(f) {
			name := c.vars.name[stemKey{stem, key}]
			v := vals.GetAttr(key)
			var text string
			if v.IsWhollyKnown() {
				text = string(hclwrite.TokensForValue(v).Bytes())
			} else {
				// get_env and the like: kept as an expression, with the
				// file's other locals written in.
				t := &translator{c: c, f: f, kind: outVars, inline: true}
				var ok bool
				if text, ok = t.expr(f.locals[key].Expr); !ok {
					continue
				}
			}
			fmt.Fprintf(&w, "%s%s = %s%s\n", f.comment(f.locals[key].SrcRange.Start.Byte), name, text, f.trailingComment(f.locals[key].SrcRange.End.Byte))
		}
	}
	if c.usesTGPath {
		fmt.Fprintf(&w, "\n# Terragrunt's path_relative_to_include() was %s/<unit>: state keys keep it.\n", e.rel)
		fmt.Fprintf(&w, "terragrunt_path = %q\n", e.rel)
	}
	w.WriteString("}\n")
	w.WriteString(c.envRole(e))
	c.addFile("infra/live/"+e.name+"/env.hcl", "", w.String())
}

// copyUnitFiles copies what else a unit folder holds (.tf overrides, lock
// file, templates), as Terragrunt copies the folder into its working
// folder: stackctl adds a unit folder's .tf files to the module. Folders
// holding another unit are units of their own.
func (c *converter) copyUnitFiles(u *tgUnit, outDir string) {
	_ = filepath.WalkDir(u.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p == u.dir {
				return nil
			}
			if strings.HasPrefix(name, ".") || fileExists(filepath.Join(p, unitFileName)) {
				return filepath.SkipDir
			}
			return nil
		}
		if p == u.file.path || (strings.HasPrefix(name, ".") && name != ".terraform.lock.hcl") || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(u.dir, p)
		from, _ := filepath.Rel(c.dir, p)
		c.files = append(c.files, File{Path: outDir + "/" + filepath.ToSlash(rel), Content: data, From: filepath.ToSlash(from), Copied: true})
		return nil
	})
}
