package convert

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

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
	case "iam_role", "iam_assume_role_duration", "iam_assume_role_session_name":
		// env.hcl's assume_role, worked out per environment (envRole)
	case "iam_web_identity_token":
		b.c.issue(a.SrcRange, a.Name, "stackctl's assume_role uses the default credential chain, which reads AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN itself: set those in the environment")
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
