package drift

import (
	"cmp"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// owners knows which parts of a resource's attributes other resources in
// the same state manage: a security group's rules managed as
// aws_vpc_security_group_ingress_rule, a role's inline policies and
// attached policies managed as aws_iam_role_policy and
// aws_iam_role_policy_attachment. The provider reads those parts back into
// the parent (security group ingress, role inline_policy and
// managed_policy_arns), which looks like drift right after a create; only
// parts no resource manages are drift.
type owners struct {
	sgRules     map[string]map[string]bool // security group ID → rule keys
	policies    map[string]map[string]bool // role name → inline policy names
	attachments map[string]map[string]bool // role name → policy ARNs
}

func newOwners(p *tfjson.Plan) *owners {
	o := &owners{sgRules: map[string]map[string]bool{}, policies: map[string]map[string]bool{}, attachments: map[string]map[string]bool{}}
	if p.PriorState != nil && p.PriorState.Values != nil {
		walkState(p.PriorState.Values.RootModule, func(r *tfjson.StateResource) { o.add(r.Type, r.AttributeValues) })
	}
	// A rule deleted outside Terraform is gone from the refreshed state but
	// still owned: its absence from the group is the rule's drift, not the
	// group's.
	for _, rc := range p.ResourceDrift {
		if rc != nil && rc.Change != nil && rc.Change.Actions.Delete() {
			if m, ok := rc.Change.Before.(map[string]any); ok {
				o.add(rc.Type, m)
			}
		}
	}
	return o
}

func walkState(m *tfjson.StateModule, f func(*tfjson.StateResource)) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r.Mode == tfjson.ManagedResourceMode {
			f(r)
		}
	}
	for _, c := range m.ChildModules {
		walkState(c, f)
	}
}

func put(m map[string]map[string]bool, k, v string) {
	if k == "" || v == "" {
		return
	}
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func (o *owners) add(typ string, v map[string]any) {
	switch typ {
	case "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
		dir := strings.TrimSuffix(strings.TrimPrefix(typ, "aws_vpc_security_group_"), "_rule")
		var src string
		switch {
		case str(v["cidr_ipv4"]) != "":
			src = "cidr:" + str(v["cidr_ipv4"])
		case str(v["cidr_ipv6"]) != "":
			src = "ipv6:" + str(v["cidr_ipv6"])
		case str(v["prefix_list_id"]) != "":
			src = "pl:" + str(v["prefix_list_id"])
		case str(v["referenced_security_group_id"]) != "":
			src = "sg:" + groupID(str(v["referenced_security_group_id"]))
		}
		put(o.sgRules, str(v["security_group_id"]), ruleKey(dir, str(v["ip_protocol"]), v["from_port"], v["to_port"], src))
	case "aws_security_group_rule":
		sg := str(v["security_group_id"])
		for _, src := range sources(v, sg, "source_security_group_id") {
			put(o.sgRules, sg, ruleKey(str(v["type"]), str(v["protocol"]), v["from_port"], v["to_port"], src))
		}
	case "aws_iam_role_policy":
		role, name := str(v["role"]), str(v["name"])
		if r, n, ok := strings.Cut(str(v["id"]), ":"); ok && name == "" {
			role, name = r, n
		}
		put(o.policies, role, name)
	case "aws_iam_role_policy_attachment":
		put(o.attachments, str(v["role"]), str(v["policy_arn"]))
	}
}

// stripped is an attribute with the parts other resources manage left out.
type stripped struct {
	same          bool // nothing else changed
	before, after any
	adopt         []Adoption
}

// strip returns nil for attributes it knows nothing about.
func (o *owners) strip(typ, attr string, before, after map[string]any) *stripped {
	b, a := before[attr], after[attr]
	switch {
	case typ == "aws_security_group" && (attr == "ingress" || attr == "egress"):
		sg := cmp.Or(str(after["id"]), str(before["id"]))
		return diffSets(ruleAtoms(b, attr, sg, o.sgRules[sg]), ruleAtoms(a, attr, sg, o.sgRules[sg]))
	case typ == "aws_iam_role" && attr == "inline_policy":
		role := roleName(before, after)
		keep := func(v any) []atom {
			var out []atom
			for _, e := range list(v) {
				m, _ := e.(map[string]any)
				name := str(m["name"])
				if name == "" || o.policies[role][name] {
					continue
				}
				out = append(out, atom{key: name + "\x00" + canonicalPolicy(str(m["policy"])), value: e})
			}
			return out
		}
		return diffSets(keep(b), keep(a))
	case typ == "aws_iam_role" && attr == "managed_policy_arns":
		role := roleName(before, after)
		keep := func(v any) []atom {
			var out []atom
			for _, e := range list(v) {
				if arn := str(e); arn != "" && !o.attachments[role][arn] {
					out = append(out, atom{key: arn, value: arn})
				}
			}
			return out
		}
		s := diffSets(keep(b), keep(a))
		if !s.same {
			was := map[string]bool{}
			for _, e := range list(s.before) {
				was[str(e)] = true
			}
			for _, e := range list(s.after) {
				if arn := str(e); !was[arn] {
					s.adopt = append(s.adopt, Adoption{
						Type: "aws_iam_role_policy_attachment",
						ID:   role + "/" + arn,
						Why:  fmt.Sprintf("policy %s attached to role %s outside Terraform", arn, role),
					})
				}
			}
		}
		return s
	}
	return nil
}

func roleName(before, after map[string]any) string {
	return cmp.Or(str(after["name"]), str(before["name"]))
}

type atom struct {
	key   string
	value any
}

func diffSets(b, a []atom) *stripped {
	keys := func(l []atom) []string {
		out := make([]string, len(l))
		for i, x := range l {
			out[i] = x.key
		}
		sort.Strings(out)
		return out
	}
	kb, ka := keys(b), keys(a)
	if strings.Join(kb, "\x01") == strings.Join(ka, "\x01") {
		return &stripped{same: true}
	}
	values := func(l []atom) []any {
		sort.SliceStable(l, func(i, j int) bool { return l[i].key < l[j].key })
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = x.value
		}
		return out
	}
	return &stripped{before: values(b), after: values(a)}
}

// ruleAtoms splits a security group's inline rules into one rule per
// source (AWS groups sources by protocol and ports) and leaves out the
// rules that owned lists.
func ruleAtoms(v any, dir, sg string, owned map[string]bool) []atom {
	var out []atom
	for _, e := range list(v) {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		for _, src := range sources(m, sg, "") {
			k := ruleKey(dir, str(m["protocol"]), m["from_port"], m["to_port"], src)
			if owned[k] {
				continue
			}
			kind, val, _ := strings.Cut(src, ":")
			field := map[string]string{"cidr": "cidr_blocks", "ipv6": "ipv6_cidr_blocks", "pl": "prefix_list_ids", "sg": "security_groups"}[kind]
			rule := map[string]any{"protocol": m["protocol"], "from_port": m["from_port"], "to_port": m["to_port"], field: []any{val}}
			if d := str(m["description"]); d != "" {
				rule["description"] = d
			}
			out = append(out, atom{key: k, value: rule})
		}
	}
	return out
}

// sources lists a rule's sources as kind:value; self is the group itself.
// single names the attribute holding one referenced group
// (aws_security_group_rule's source_security_group_id).
func sources(m map[string]any, sg, single string) []string {
	var out []string
	for _, f := range []struct{ attr, kind string }{{"cidr_blocks", "cidr"}, {"ipv6_cidr_blocks", "ipv6"}, {"prefix_list_ids", "pl"}, {"security_groups", "sg"}} {
		for _, e := range list(m[f.attr]) {
			if s := str(e); s != "" {
				if f.kind == "sg" {
					s = groupID(s)
				}
				out = append(out, f.kind+":"+s)
			}
		}
	}
	if single != "" && str(m[single]) != "" {
		out = append(out, "sg:"+groupID(str(m[single])))
	}
	if isTrue(m["self"]) {
		out = append(out, "sg:"+sg)
	}
	return out
}

// groupID drops the account prefix AWS puts on groups of other accounts
// ("123456789012/sg-1").
func groupID(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func ruleKey(dir, proto string, from, to any, src string) string {
	proto = strings.ToLower(proto)
	switch proto {
	case "all", "-1":
		proto = "-1"
	case "6":
		proto = "tcp"
	case "17":
		proto = "udp"
	case "1":
		proto = "icmp"
	}
	f, t := num(from), num(to)
	if proto == "-1" {
		f, t = 0, 0
	}
	return fmt.Sprintf("%s|%s|%d|%d|%s", dir, proto, f, t, src)
}

func canonicalPolicy(s string) string {
	if v, ok := normalJSON(s); ok {
		return canonical(v)
	}
	return s
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}
