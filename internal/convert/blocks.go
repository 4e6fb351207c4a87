package convert

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// hookSteps are the steps a stackctl hook can run around.
var hookSteps = []string{"init", "validate", "plan", "apply", "destroy", "run"}

// s3TerragruntOnly are remote_state settings Terragrunt uses to create the
// bucket and never passes to terraform; stackctl passes every setting to
// terraform, which would refuse them.
var s3TerragruntOnly = []string{
	"s3_bucket_tags", "dynamodb_table_tags", "accesslogging_bucket_tags", "skip_bucket_versioning", "skip_bucket_ssencryption",
	"skip_bucket_accesslogging", "skip_bucket_root_access", "skip_bucket_enforced_tls", "skip_bucket_public_access_blocking",
	"disable_bucket_update", "enable_lock_table_ssencryption", "disable_aws_client_checksums", "accesslogging_bucket_name",
	"accesslogging_target_prefix", "bucket_sse_algorithm", "bucket_sse_kms_key_id", "skip_credentials_validation_for_bootstrap",
}

// body converts the blocks and attributes of one Terragrunt file into the
// parts of one stackctl file.
type body struct {
	c      *converter
	t      *translator
	outDir string // the output file's folder, absolute
	deps   map[string]bool
	// sections of the output, in the order written
	head, depsOut, locals, inputs, flags, generate, hooks strings.Builder
	// root-only settings
	tfVersion, tfBinary string
	retry               []string
	remoteState         string
}

func (b *body) kind() outKind { return b.t.kind }

func sortedAttrs(bd *hclsyntax.Body) []*hclsyntax.Attribute {
	var out []*hclsyntax.Attribute
	for _, a := range bd.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// attr writes `name = <translated expression>` into w.
func (b *body) attr(w *strings.Builder, name string, a *hclsyntax.Attribute) bool {
	text, ok := b.t.expr(a.Expr)
	if ok {
		fmt.Fprintf(w, "%s%s = %s%s\n", b.t.f.comment(a.SrcRange.Start.Byte), name, text, b.t.f.trailingComment(a.SrcRange.End.Byte))
	}
	return ok
}

// objectAttr writes an object attribute (inputs) item by item, so one
// input that cannot be converted leaves out only itself.
func (b *body) objectAttr(w *strings.Builder, name string, a *hclsyntax.Attribute) {
	obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		b.attr(w, name, a)
		return
	}
	f := b.t.f
	var items strings.Builder
	for _, it := range obj.Items {
		kr, vr := it.KeyExpr.Range(), it.ValueExpr.Range()
		val, ok := b.t.expr(it.ValueExpr)
		if !ok {
			continue
		}
		fmt.Fprintf(&items, "%s%s = %s%s\n", f.comment(kr.Start.Byte), f.src[kr.Start.Byte:kr.End.Byte], val, f.trailingComment(vr.End.Byte))
	}
	fmt.Fprintf(w, "%s%s = {\n%s}\n", f.comment(a.SrcRange.Start.Byte), name, items.String())
}

// convert walks the file: dependency blocks first (inputs check their
// names), then everything else.
func (b *body) convert() {
	f := b.t.f
	for _, blk := range f.body.Blocks {
		if blk.Type == "dependency" {
			b.dependency(blk)
		}
	}
	b.t.deps = b.deps
	b.emitLocals()
	for _, a := range sortedAttrs(f.body) {
		b.attribute(a)
	}
	for _, blk := range f.body.Blocks {
		switch blk.Type {
		case "locals", "dependency":
		case "include":
			if b.kind() != outUnit {
				b.c.issue(blk.DefRange(), "include", "an included file cannot include another: stackctl includes are one level deep, as Terragrunt's; include both files from the unit")
			}
		case "dependencies":
			b.dependencies(blk)
		case "generate":
			b.generateBlock(blk)
		case "remote_state":
			if b.kind() != outRoot {
				b.c.issue(blk.DefRange(), "remote_state", "stackctl's remote_state is written once, in stackctl.hcl: move it to the root configuration")
				continue
			}
			b.remoteStateBlock(blk)
		case "terraform":
			b.terraformBlock(blk)
		case "exclude":
			b.exclude(blk)
		default:
			b.c.issue(blk.DefRange(), blk.Type, "Terragrunt's "+blk.Type+" block has no stackctl form")
		}
	}
}

func (b *body) attribute(a *hclsyntax.Attribute) {
	root := b.kind() == outRoot
	switch a.Name {
	case "inputs":
		b.objectAttr(&b.inputs, "inputs", a)
	case "prevent_destroy":
		if root {
			b.c.issue(a.SrcRange, a.Name, "stackctl sets prevent_destroy per unit or shared unit definition, not in stackctl.hcl")
			return
		}
		blankBefore(&b.flags)
		b.attr(&b.flags, "prevent_destroy", a)
	case "skip":
		if root {
			b.c.issue(a.SrcRange, a.Name, "stackctl excludes units one by one, not from stackctl.hcl")
			return
		}
		if text, ok := b.t.expr(a.Expr); ok {
			blankBefore(&b.flags)
			fmt.Fprintf(&b.flags, "exclude {\n if = %s\n reason = %q\n}\n", text, "skip = true in "+b.t.f.rel)
		}
	case "terraform_binary", "terraform_version_constraint":
		v := b.c.ev.eval(b.t.f, a.Expr, b.t.f.path, nil, false)
		s, ok := stringValue(v)
		switch {
		case !root:
			b.c.issue(a.SrcRange, a.Name, "stackctl's terraform { version, binary } is one setting for the whole project, in stackctl.hcl")
		case !ok:
			b.c.issue(a.SrcRange, a.Name, "cannot be worked out without running Terragrunt; stackctl needs a plain string here")
		case a.Name == "terraform_binary":
			b.tfBinary = s
		default:
			b.tfVersion = s
		}
	case "retryable_errors", "retry_max_attempts", "retry_sleep_interval_sec":
		b.retrySetting(a)
	case "terragrunt_version_constraint":
		b.c.issue(a.SrcRange, a.Name, "stackctl does not run Terragrunt (terraform { version } constrains Terraform)")
	case "iam_role", "iam_assume_role_duration", "iam_assume_role_session_name", "iam_web_identity_token":
		b.c.issue(a.SrcRange, a.Name, "stackctl has no assumed role per environment yet: until it has, set assume_role in the generated provider block and in remote_state's config")
	case "download_dir":
		b.c.issue(a.SrcRange, a.Name, "stackctl keeps its working folders under .stackctl/cache")
	default:
		b.c.issue(a.SrcRange, a.Name, "Terragrunt's "+a.Name+" has no stackctl form")
	}
}

func (b *body) retrySetting(a *hclsyntax.Attribute) {
	if b.kind() != outRoot {
		b.c.issue(a.SrcRange, a.Name, "stackctl's retry block is one setting for the whole project, in stackctl.hcl")
		return
	}
	text, ok := b.t.expr(a.Expr)
	if !ok {
		return
	}
	switch a.Name {
	case "retryable_errors":
		b.retry = append(b.retry, "errors = "+text)
	case "retry_max_attempts":
		b.retry = append(b.retry, "max_attempts = "+text)
	default:
		v := b.c.ev.eval(b.t.f, a.Expr, b.t.f.path, nil, false)
		if !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.Number {
			b.c.issue(a.SrcRange, a.Name, "stackctl's retry wait is a duration string; this value cannot be worked out")
			return
		}
		b.retry = append(b.retry, fmt.Sprintf("wait = %q", v.AsBigFloat().Text('f', -1)+"s"))
	}
}

// emitLocals writes the file's locals, except those that read other files
// (their values are env vars now) and those that do not translate.
func (b *body) emitLocals() {
	f := b.t.f
	kept := map[string]bool{}
	b.c.keptLocals[f.path] = kept
	var names []string
	for name, a := range f.locals {
		if configCall(a.Expr) == nil {
			names = append(names, name)
			kept[name] = true
		}
	}
	sort.Slice(names, func(i, j int) bool {
		return f.locals[names[i]].SrcRange.Start.Byte < f.locals[names[j]].SrcRange.Start.Byte
	})
	quiet := *b.t
	quiet.quiet = true
	for changed := true; changed; {
		changed = false
		for _, n := range names {
			if kept[n] {
				if _, ok := quiet.expr(f.locals[n].Expr); !ok {
					kept[n], changed = false, true
				}
			}
		}
	}
	var w strings.Builder
	for _, n := range names {
		text, ok := b.t.expr(f.locals[n].Expr) // records the issues of those left out
		if ok && kept[n] {
			fmt.Fprintf(&w, "%s%s = %s%s\n", f.comment(f.locals[n].SrcRange.Start.Byte), n, text, f.trailingComment(f.locals[n].SrcRange.End.Byte))
		}
	}
	if w.Len() > 0 {
		fmt.Fprintf(&b.locals, "locals {\n%s}\n", w.String())
	}
}

// kept says whether local name of f was written into its stackctl file.
func (c *converter) kept(f *tgFile, name string) bool {
	k, ok := c.keptLocals[f.path]
	return !ok || k[name]
}

// unitPath works out, for every unit the file serves, where a path
// expression (relative to the unit) points, and returns it relative to the
// unit when that is the same for all of them and a unit of the same
// environment.
func (b *body) unitPath(e hclsyntax.Expression, what string) (string, bool) {
	out := ""
	for _, u := range b.t.units {
		v := b.c.ev.eval(b.t.f, e, u.file.path, u, b.t.f == u.file)
		return1, ok := b.pathFor(u, v, e, what)
		if !ok {
			return "", false
		}
		if out != "" && return1 != out {
			b.c.issue(e.Range(), what, fmt.Sprintf("points at %s for some units and %s for others; a shared definition's paths must be the same relative path for every unit", out, return1))
			return "", false
		}
		out = return1
	}
	return out, out != ""
}

func (b *body) pathFor(u *tgUnit, v cty.Value, e hclsyntax.Expression, what string) (string, bool) {
	s, ok := stringValue(v)
	if !ok {
		b.c.issue(e.Range(), what, "cannot be worked out without running Terragrunt")
		return "", false
	}
	target := absFrom(u.dir, s)
	tu := b.c.unitAt(target)
	switch {
	case tu == nil:
		b.c.issue(e.Range(), what, fmt.Sprintf("points at %s, which is not a unit of the tree", relSlash(b.c.dir, target)))
		return "", false
	case tu.env != u.env:
		b.c.issue(e.Range(), what, fmt.Sprintf("points at %s in environment %s: stackctl dependencies stay within one environment; pass the value as an input or read it with a data source", tu.path, tu.env.name))
		return "", false
	}
	return relSlash(u.dir, tu.dir), true
}

func (b *body) dependency(blk *hclsyntax.Block) {
	if b.kind() == outRoot {
		b.c.issue(blk.DefRange(), "dependency", "stackctl's dependency blocks belong to units or shared unit definitions, not stackctl.hcl")
		return
	}
	name, ok := b.label(blk)
	if !ok {
		return
	}
	cp := blk.Body.Attributes["config_path"]
	if cp == nil {
		b.c.issue(blk.DefRange(), `dependency "`+name+`"`, "it has no config_path")
		return
	}
	path, ok := b.unitPath(cp.Expr, `dependency "`+name+`" config_path`)
	if !ok {
		return
	}
	var w strings.Builder
	fmt.Fprintf(&w, "%sdependency %q {\npath = %q\n", b.t.f.comment(blk.TypeRange.Start.Byte), name, path)
	good := true
	for _, a := range sortedAttrs(blk.Body) {
		switch a.Name {
		case "config_path":
		case "mock_outputs":
			good = b.attr(&w, "mock_outputs", a) && good
		case "mock_outputs_allowed_terraform_commands":
			v := b.c.ev.eval(b.t.f, a.Expr, b.t.f.path, nil, false)
			if !v.IsWhollyKnown() || !v.CanIterateElements() || v.IsNull() {
				b.c.issue(a.SrcRange, a.Name, "cannot be worked out; stackctl uses mock outputs for validate and plan only, while the dependency has no state")
				continue
			}
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type() == cty.String && e.AsString() == "apply" {
					b.c.issue(a.SrcRange, a.Name, "allows apply on mock outputs; stackctl never applies on mock outputs (validate and plan only, while the dependency has no state)")
				}
			}
		case "mock_outputs_merge_with_state", "mock_outputs_merge_strategy_with_state":
			b.c.issue(a.SrcRange, a.Name, "stackctl uses mock outputs only while the dependency has no state, never merged with it")
		case "skip_outputs":
			b.c.issue(a.SrcRange, a.Name, "stackctl always reads a dependency's outputs (from its state, without running terraform)")
		default:
			b.c.issue(a.SrcRange, a.Name, "Terragrunt's dependency "+a.Name+" has no stackctl form")
		}
	}
	if !good {
		return
	}
	w.WriteString("}\n")
	blankBefore(&b.depsOut)
	b.depsOut.WriteString(w.String())
	b.deps[name] = true
}

func (b *body) dependencies(blk *hclsyntax.Block) {
	if b.kind() == outRoot {
		b.c.issue(blk.DefRange(), "dependencies", "stackctl's dependencies belong to units or shared unit definitions, not stackctl.hcl")
		return
	}
	pa := blk.Body.Attributes["paths"]
	if pa == nil {
		return
	}
	var paths []string
	for _, u := range b.t.units {
		v := b.c.ev.eval(b.t.f, pa.Expr, u.file.path, u, b.t.f == u.file)
		if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
			b.c.issue(pa.SrcRange, "dependencies paths", "cannot be worked out without running Terragrunt")
			return
		}
		var these []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			p, ok := b.pathFor(u, e, pa.Expr, "dependencies paths")
			if ok {
				these = append(these, p)
			}
		}
		if paths != nil && !slices.Equal(paths, these) {
			b.c.issue(pa.SrcRange, "dependencies paths", "point at different relative paths for different units")
			return
		}
		paths = these
	}
	if len(paths) == 0 {
		return
	}
	var quoted []string
	for _, p := range paths {
		quoted = append(quoted, strconv.Quote(p))
	}
	blankBefore(&b.depsOut)
	fmt.Fprintf(&b.depsOut, "dependencies {\npaths = [%s]\n}\n", strings.Join(quoted, ", "))
}

func (b *body) exclude(blk *hclsyntax.Block) {
	if b.kind() == outRoot {
		b.c.issue(blk.DefRange(), "exclude", "stackctl excludes units one by one, not from stackctl.hcl")
		return
	}
	var w strings.Builder
	for _, a := range sortedAttrs(blk.Body) {
		switch a.Name {
		case "if", "actions":
			if !b.attr(&w, a.Name, a) {
				return
			}
		default:
			b.c.issue(a.SrcRange, "exclude "+a.Name, "stackctl's exclude has if, actions and reason only")
		}
	}
	blankBefore(&b.flags)
	fmt.Fprintf(&b.flags, "exclude {\n%sreason = %q\n}\n", w.String(), "exclude block of "+b.t.f.rel)
}

func (b *body) generateBlock(blk *hclsyntax.Block) {
	name, ok := b.label(blk)
	if !ok {
		return
	}
	var w strings.Builder
	fmt.Fprintf(&w, "%sgenerate %q {\n", b.t.f.comment(blk.TypeRange.Start.Byte), name)
	for _, a := range sortedAttrs(blk.Body) {
		switch a.Name {
		case "if_exists":
			v := b.c.ev.eval(b.t.f, a.Expr, b.t.f.path, nil, false)
			if s, ok := stringValue(v); ok && s == "overwrite_terragrunt" {
				w.WriteString("if_exists = \"overwrite_stackctl\"\n")
				continue
			}
			if !b.attr(&w, a.Name, a) {
				return
			}
		case "path", "contents", "comment_prefix", "disable_signature", "disable":
			if !b.attr(&w, a.Name, a) {
				return
			}
		default:
			b.c.issue(a.SrcRange, `generate "`+name+`" `+a.Name, "stackctl's generate has path, contents, if_exists, comment_prefix, disable_signature and disable")
		}
	}
	w.WriteString("}\n")
	blankBefore(&b.generate)
	b.generate.WriteString(w.String())
}

// hook converts a before_hook, after_hook or error_hook of a terraform
// block into a stackctl hook of the same kind and name.
func (b *body) hook(blk *hclsyntax.Block) {
	name, ok := b.label(blk)
	if !ok {
		return
	}
	construct := fmt.Sprintf("%s %q", blk.Type, name)
	var w strings.Builder
	fmt.Fprintf(&w, "%s%s %q {\n", b.t.f.comment(blk.TypeRange.Start.Byte), blk.Type, name)
	ok = true // every attribute is looked at, so each problem is listed
	for _, a := range sortedAttrs(blk.Body) {
		switch a.Name {
		case "commands":
			v := b.c.ev.eval(b.t.f, a.Expr, b.t.f.path, nil, false)
			if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
				b.c.issue(a.SrcRange, construct+" commands", "cannot be worked out without running Terragrunt; stackctl hooks name their steps: "+strings.Join(hookSteps, ", "))
				ok = false
				continue
			}
			var keep, drop []string
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type() != cty.String {
					continue
				}
				if s := e.AsString(); slices.Contains(hookSteps, s) {
					keep = append(keep, strconv.Quote(s))
				} else {
					drop = append(drop, s)
				}
			}
			if len(drop) > 0 {
				b.c.issue(a.SrcRange, construct+" commands", fmt.Sprintf("stackctl has no step %s; its hooks run around %s", strings.Join(drop, ", "), strings.Join(hookSteps, ", ")))
			}
			if len(keep) == 0 {
				ok = false
				continue
			}
			fmt.Fprintf(&w, "commands = [%s]\n", strings.Join(keep, ", "))
		case "execute", "on_errors":
			ok = b.attr(&w, a.Name, a) && ok
		case "run_on_error":
			if blk.Type == "after_hook" {
				ok = b.attr(&w, a.Name, a) && ok
				continue
			}
			b.c.issue(a.SrcRange, construct+" run_on_error", "only stackctl's after_hook has run_on_error")
		case "working_dir":
			b.c.issue(a.SrcRange, construct+" working_dir", "stackctl hooks run in the unit's working folder")
		case "suppress_stdout":
			b.c.issue(a.SrcRange, construct+" suppress_stdout", "stackctl keeps a hook's output in the unit's log")
		default:
			b.c.issue(a.SrcRange, construct+" "+a.Name, "stackctl hooks have commands, execute, run_on_error and on_errors")
		}
	}
	if !ok {
		return
	}
	w.WriteString("}\n")
	blankBefore(&b.hooks)
	b.hooks.WriteString(w.String())
}

func (b *body) terraformBlock(blk *hclsyntax.Block) {
	for _, a := range sortedAttrs(blk.Body) {
		switch {
		case a.Name == "source" && b.kind() == outRoot:
			b.c.issue(a.SrcRange, "terraform source", "stackctl.hcl has no source: set it in the units or shared unit definitions")
		case a.Name == "source":
			if text, ok := b.source(a); ok {
				fmt.Fprintf(&b.head, "%s%ssource = %s\n", b.t.f.comment(blk.TypeRange.Start.Byte), b.t.f.comment(a.SrcRange.Start.Byte), text)
			}
		default:
			b.c.issue(a.SrcRange, "terraform "+a.Name, "stackctl copies the module and the unit folder's .tf files; Terragrunt's "+a.Name+" has no stackctl form")
		}
	}
	for _, inner := range blk.Body.Blocks {
		switch inner.Type {
		case "before_hook", "after_hook", "error_hook":
			b.hook(inner)
		case "extra_arguments":
			b.c.issue(inner.DefRange(), fmt.Sprintf("extra_arguments %q", strings.Join(inner.Labels, " ")),
				"stackctl has no extra_arguments yet: arguments after -- reach terraform's plan (-var, -var-file, -target, …), and --lock-timeout and --parallelism cover the usual ones")
		default:
			b.c.issue(inner.DefRange(), "terraform "+inner.Type, "Terragrunt's "+inner.Type+" has no stackctl form")
		}
	}
}

// blankBefore separates a block from the one before it in w.
func blankBefore(w *strings.Builder) {
	if w.Len() > 0 {
		w.WriteString("\n")
	}
}

// label is a block's one name; Terragrunt requires it, so a block without
// is reported rather than guessed at.
func (b *body) label(blk *hclsyntax.Block) (string, bool) {
	if len(blk.Labels) != 1 || !hclsyntax.ValidIdentifier(blk.Labels[0]) {
		b.c.issue(blk.DefRange(), blk.Type, "needs one name that is an identifier, such as "+blk.Type+" \"vpc\"")
		return "", false
	}
	return blk.Labels[0], true
}
