package convert

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// hookSteps are the steps a stackctl hook can run around.
var hookSteps = []string{"init", "validate", "plan", "apply", "destroy", "run"}

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
