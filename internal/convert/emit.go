package convert

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

const header = "# Converted from Terragrunt's %s by stackctl convert terragrunt.\n"

// emit writes every file of the stackctl tree into c.files: the root, the
// shared definitions and the units first, since they decide whether the
// environments need env.terragrunt_path.
func (c *converter) emit() {
	c.emitRoot()
	for _, s := range c.shared {
		c.emitShared(s)
	}
	for _, u := range c.units {
		c.emitUnit(u)
	}
	for _, e := range c.envs {
		c.emitEnv(e)
	}
}

func (c *converter) newBody(f *tgFile, kind outKind, units []*tgUnit, outRel string) *body {
	t := &translator{c: c, f: f, kind: kind, units: units}
	return &body{c: c, t: t, outDir: filepath.Join(c.opts.Out, filepath.FromSlash(filepath.Dir(outRel))), deps: map[string]bool{}}
}

func (c *converter) emitRoot() {
	var w strings.Builder
	from := ""
	if c.rootFile != nil {
		from = c.rootFile.rel
		fmt.Fprintf(&w, header, c.rootFile.rel)
		w.WriteString(c.rootFile.topComment())
	} else {
		w.WriteString("# Made by stackctl convert terragrunt: the Terragrunt tree had no root configuration.\n")
	}
	fmt.Fprintf(&w, "project = %q\n", c.opts.Project)
	if c.rootFile != nil {
		var units []*tgUnit
		for _, u := range c.units {
			if u.rootInc != nil {
				units = append(units, u)
			}
		}
		b := c.newBody(c.rootFile, outRoot, units, "stackctl.hcl")
		b.convert()
		if b.tfVersion != "" || b.tfBinary != "" {
			w.WriteString("\nterraform {\n")
			if b.tfVersion != "" {
				fmt.Fprintf(&w, "version = %q\n", b.tfVersion)
			}
			if b.tfBinary != "" {
				fmt.Fprintf(&w, "binary = %q\n", b.tfBinary)
			}
			w.WriteString("}\n")
		}
		if len(b.retry) > 0 {
			fmt.Fprintf(&w, "\nretry {\n%s\n}\n", strings.Join(b.retry, "\n"))
		}
		for _, part := range []string{b.remoteState, b.locals.String(), b.inputs.String(), b.generate.String(), b.hooks.String()} {
			if part != "" {
				w.WriteString("\n" + part)
			}
		}
	}
	c.addFile("stackctl.hcl", from, w.String())
}

func (c *converter) emitShared(s *sharedDef) {
	b := c.newBody(s.file, outShared, s.units, s.outRel)
	b.convert()
	c.depsOf[s.file.path] = b.deps
	var w strings.Builder
	fmt.Fprintf(&w, header, s.file.rel)
	fmt.Fprintf(&w, "# The %s unit of every environment; each unit.hcl that includes it holds only its differences.\n", s.name)
	w.WriteString(s.file.topComment())
	b.writeUnitParts(&w)
	c.addFile(s.outRel, s.file.rel, w.String())
}

func (c *converter) emitUnit(u *tgUnit) {
	outRel := "infra/live/" + u.env.name + "/" + u.path + "/unit.hcl"
	b := c.newBody(u.file, outUnit, []*tgUnit{u}, outRel)
	b.t.incs = map[string]*include{}
	var incText strings.Builder
	for _, inc := range u.includes {
		b.t.incs[inc.label] = inc
		for name := range c.depsOf[inc.file.path] {
			b.deps[name] = true
		}
		if ms := inc.block.Body.Attributes["merge_strategy"]; ms != nil {
			v, _ := stringValue(c.ev.eval(u.file, ms.Expr, u.file.path, u, false))
			switch v {
			case "no_merge":
				c.issue(ms.SrcRange, "merge_strategy", "stackctl always merges an included file into the unit")
			case "deep":
				c.issue(ms.SrcRange, "merge_strategy", "stackctl merges inputs by top-level key (shallow): an input the unit sets replaces the included one whole")
			}
		}
		if inc.shared == nil {
			continue // stackctl.hcl applies to every unit by itself
		}
		label := inc.label
		if label == "" {
			label = inc.shared.name
			b.t.incs[label] = inc
		}
		fmt.Fprintf(&incText, "include %q {\npath = \"${get_repo_root()}/%s\"\n}\n", label, inc.shared.outRel)
	}
	if c.rootFile != nil && u.rootInc == nil {
		c.issue(hcl.Range{Filename: u.file.path, Start: hcl.InitialPos}, "unit",
			"does not include the root configuration; in stackctl every unit takes stackctl.hcl's settings (remote_state, generate, inputs)")
	}
	b.convert()
	var w strings.Builder
	fmt.Fprintf(&w, header, u.file.rel)
	w.WriteString(u.file.topComment())
	w.WriteString(incText.String())
	b.writeUnitParts(&w)
	c.addFile(outRel, u.file.rel, w.String())
	c.copyUnitFiles(u, filepath.Dir(outRel))
}

// writeUnitParts writes a unit file's sections in stackctl's usual order.
func (b *body) writeUnitParts(w *strings.Builder) {
	for _, part := range []string{b.head.String(), b.depsOut.String(), b.locals.String(), b.inputs.String(), b.flags.String(), b.generate.String(), b.hooks.String()} {
		if part != "" {
			w.WriteString("\n" + part)
		}
	}
}

// source converts a terraform block's source. A local path is made
// relative to the output file, pointing back at the module in place; any
// other source keeps its expression (a module ref such as ?ref=v0.8.0
// stays as written).
func (b *body) source(a *hclsyntax.Attribute) (string, bool) {
	local := ""
	remote := false
	for _, u := range b.t.units {
		v := b.c.ev.eval(b.t.f, a.Expr, u.file.path, u, b.t.f == u.file)
		s, ok := stringValue(v)
		if !ok {
			remote = true
			continue
		}
		if strings.HasPrefix(s, "tfr://") {
			b.c.issue(a.SrcRange, "terraform source", "tfr:// registry sources carry their version in the URL, which a Terraform module source cannot: write the module's registry address in a wrapper module with a version")
			return "", false
		}
		if !isLocalPath(s) {
			remote = true
			continue
		}
		dir, sub := s, ""
		if i := strings.Index(s, "//"); i >= 0 {
			dir, sub = s[:i], s[i:]
		}
		p := relSlash(b.outDir, absFrom(u.dir, dir))
		if !strings.HasPrefix(p, "../") && p != ".." {
			p = "./" + p
		}
		p += sub
		if local != "" && local != p {
			b.c.issue(a.SrcRange, "terraform source", fmt.Sprintf("is %s for some units and %s for others: a shared definition's local source must be one folder", local, p))
			return "", false
		}
		local = p
	}
	if local != "" && remote {
		b.c.issue(a.SrcRange, "terraform source", "is a local path for some units and not for others")
		return "", false
	}
	if local != "" {
		return fmt.Sprintf("%q", local), true
	}
	return b.t.expr(a.Expr)
}

func (b *body) remoteStateBlock(blk *hclsyntax.Block) {
	ba := blk.Body.Attributes["backend"]
	if ba == nil {
		b.c.issue(blk.DefRange(), "remote_state", "it has no backend")
		return
	}
	backend, ok := stringValue(b.c.ev.eval(b.t.f, ba.Expr, b.t.f.path, nil, false))
	if !ok || (backend != "s3" && backend != "local") {
		b.c.issue(ba.SrcRange, "remote_state backend", "stackctl keeps state in s3 or local files; "+backend+" is not converted")
		return
	}
	var w strings.Builder
	fmt.Fprintf(&w, "%sremote_state {\nbackend = %q\n", b.t.f.comment(blk.TypeRange.Start.Byte), backend)
	for _, a := range sortedAttrs(blk.Body) {
		switch a.Name {
		case "backend", "generate", "disable_dependency_optimization":
			// stackctl writes the backend block itself and reads
			// dependency outputs straight from state.
		case "config":
			if !b.stateConfig(&w, a, backend) {
				return
			}
		default:
			b.c.issue(a.SrcRange, "remote_state "+a.Name, "Terragrunt's remote_state "+a.Name+" has no stackctl form")
		}
	}
	for _, inner := range blk.Body.Blocks {
		b.c.issue(inner.DefRange(), "remote_state "+inner.Type, "Terragrunt's remote_state "+inner.Type+" has no stackctl form")
	}
	w.WriteString("}\n")
	b.remoteState = w.String()
}

// stateConfig writes remote_state's config without the settings only
// Terragrunt reads (terraform would refuse them).
func (b *body) stateConfig(w *strings.Builder, a *hclsyntax.Attribute, backend string) bool {
	obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return b.attr(w, "config", a)
	}
	w.WriteString("config = {\n")
	for _, it := range obj.Items {
		key := hcl.ExprAsKeyword(it.KeyExpr)
		if key == "" {
			if s, ok := stringValue(b.c.ev.eval(b.t.f, it.KeyExpr, b.t.f.path, nil, false)); ok {
				key = s
			}
		}
		switch {
		case backend == "s3" && slices.Contains(s3TerragruntOnly, key):
			b.c.issue(it.KeyExpr.Range(), "remote_state config "+key, "only Terragrunt's bucket creation reads it; stackctl bootstrap creates the bucket versioned, encrypted, with public access blocked and TLS enforced")
			continue
		case backend == "local" && key == "path":
			b.c.issue(it.KeyExpr.Range(), "remote_state config path", "stackctl keeps local state under .stackctl/state/<env>/<unit>; move existing state files there")
			continue
		case key == "":
			b.c.issue(it.KeyExpr.Range(), "remote_state config", "a key that cannot be worked out")
			continue
		}
		text, ok := b.t.expr(it.ValueExpr)
		if !ok {
			return false
		}
		fmt.Fprintf(w, "%s = %s\n", key, text)
	}
	w.WriteString("}\n")
	return true
}

// addFile formats text and checks that it parses, so a converter mistake
// is an error here rather than in the user's next stackctl run.
func (c *converter) addFile(rel, from, text string) {
	out := hclwrite.Format([]byte(text))
	if _, diags := hclsyntax.ParseConfig(out, rel, hcl.InitialPos); diags.HasErrors() {
		c.issue(hcl.Range{Filename: filepath.Join(c.dir, from), Start: hcl.InitialPos}, rel,
			"the converted file does not parse ("+diags.Error()+"); this is a stackctl bug: please report it with the Terragrunt file")
	}
	c.files = append(c.files, File{Path: rel, Content: out, From: from})
}
