package convert

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// stemKey is one local of one kind of hierarchy file (account, region,
// env): the env var it became.
type stemKey struct{ stem, key string }

// varNames names the env vars: a local keeps its name unless two kinds of
// file define it (the innermost keeps it, the others become <stem>_<key>)
// or it is "name", which env.hcl reserves for the folder name.
type varNames struct {
	name map[stemKey]string
	// keys are each stem's locals, per environment.
	keys map[string]map[*tgEnv][]string
}

// resolve finds the files each unit's configuration reads with
// read_terragrunt_config, places them in the unit's environment, and names
// the env vars their locals become.
func (c *converter) resolve() {
	for _, u := range c.units {
		var chain []*tgFile
		for _, inc := range u.includes {
			chain = append(chain, inc.file)
		}
		chain = append(chain, u.file)
		for _, f := range chain {
			own := f == u.file
			hclsyntax.VisitAll(f.body, func(n hclsyntax.Node) hcl.Diagnostics {
				call, ok := n.(*hclsyntax.FunctionCallExpr)
				if !ok || call.Name != "read_terragrunt_config" || len(call.Args) == 0 {
					return nil
				}
				c.resolveRead(f, call, u, own)
				return nil
			})
		}
	}
	c.nameVars()
}

func (c *converter) resolveRead(f *tgFile, call *hclsyntax.FunctionCallExpr, u *tgUnit, own bool) {
	site := callSite{f.path, call.Range().Start.Byte}
	s, ok := stringValue(c.ev.eval(f, call.Args[0], u.file.path, u, own))
	if !ok {
		c.stemBad[site] = true
		return
	}
	p := absFrom(u.dir, s)
	rf, diags := c.parse(p)
	if diags.HasErrors() {
		c.stemBad[site] = true
		return
	}
	stem := ident(strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)))
	if prev, ok := c.stemAt[site]; ok && prev != stem {
		c.stemBad[site] = true
	}
	c.stemAt[site] = stem
	if prev := u.env.stems[stem]; prev != nil && prev != rf {
		c.issue(call.Range(), "read_terragrunt_config", fmt.Sprintf("reads %s for some units of %s and %s for others: env vars are one set per environment", prev.rel, u.env.rel, rf.rel))
		c.stemBad[site] = true
		return
	}
	u.env.stems[stem] = rf
}

// hierarchyLocals are the names of the locals of f that become env vars:
// all but those that read further files.
func hierarchyLocals(f *tgFile) []string {
	var out []string
	for name, a := range f.locals {
		if configCall(a.Expr) == nil {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (c *converter) nameVars() {
	vn := &varNames{name: map[stemKey]string{}, keys: map[string]map[*tgEnv][]string{}}
	c.vars = vn
	definedBy := map[string][]string{} // key → stems
	depthOf := map[string]int{}
	for _, e := range c.envs {
		for stem, f := range e.stems {
			if vn.keys[stem] == nil {
				vn.keys[stem] = map[*tgEnv][]string{}
			}
			keys := hierarchyLocals(f)
			vn.keys[stem][e] = keys
			for _, k := range keys {
				if !slices.Contains(definedBy[k], stem) {
					definedBy[k] = append(definedBy[k], stem)
				}
			}
			depthOf[stem] = max(depthOf[stem], depth(f.rel))
		}
	}
	taken := map[string]bool{"name": true, "terragrunt_path": true}
	var keys []string
	for k := range definedBy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Plain names first, so a <stem>_<key> never takes a plain one.
	for _, k := range keys {
		stems := definedBy[k]
		sort.Slice(stems, func(i, j int) bool {
			if depthOf[stems[i]] != depthOf[stems[j]] {
				return depthOf[stems[i]] > depthOf[stems[j]]
			}
			return stems[i] > stems[j]
		})
		if k != "name" && k != "terragrunt_path" {
			vn.name[stemKey{stems[0], k}] = k
			taken[k] = true
		}
	}
	for _, k := range keys {
		for _, s := range definedBy[k] {
			if _, ok := vn.name[stemKey{s, k}]; ok {
				continue
			}
			n := s + "_" + k
			for i := 2; taken[n]; i++ {
				n = s + "_" + k + "_" + strconv.Itoa(i)
			}
			vn.name[stemKey{s, k}] = n
			taken[n] = true
		}
	}
}

// whole is the object of the locals of the stems' files, merged in order
// (merge(local.account_vars.locals, …)), written with env vars. When the
// files define the same locals in every environment it is an object of
// env vars; otherwise, when no local was renamed, the env vars picked by
// name, so each environment gets just its own.
func (vn *varNames) whole(stems []string) (string, bool) {
	var order []string
	src := map[string]string{} // key → var
	union := map[string]bool{}
	same := true
	for _, s := range stems {
		var first []string
		n := 0
		for _, ks := range vn.keys[s] {
			if n == 0 {
				first = ks
			} else if !slices.Equal(first, ks) {
				same = false
			}
			n++
			for _, k := range ks {
				union[k] = true
			}
		}
		for k := range union {
			if _, ok := vn.name[stemKey{s, k}]; !ok {
				continue
			}
			if _, seen := src[k]; !seen {
				order = append(order, k)
			}
			src[k] = vn.name[stemKey{s, k}]
		}
	}
	sort.Strings(order)
	if same {
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range order {
			fmt.Fprintf(&b, "%s = env.%s\n", k, src[k])
		}
		b.WriteString("}")
		return b.String(), true
	}
	var quoted []string
	for _, k := range order {
		if src[k] != k {
			return "", false
		}
		quoted = append(quoted, strconv.Quote(k))
	}
	return fmt.Sprintf("{ for k, v in env : k => v if contains([%s], k) }", strings.Join(quoted, ", ")), true
}
