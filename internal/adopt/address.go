// Package adopt brings resources created outside Terraform under
// management: import blocks written into a unit folder, the repair of the
// configuration terraform generates for them, the check that a plan only
// imports, and the discovery of resources with an environment's tags that
// no unit's state manages. It runs no terraform itself; see docs/drift.md
// for the commands the caller runs around it.
package adopt

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Address is a managed resource instance's address, as an import block's
// `to` takes it: [module.NAME[KEY].]...TYPE.NAME[KEY].
type Address struct {
	// Module is the module path ("module.net" or ""), with instance keys.
	Module string
	Type   string
	Name   string
	// Key is the instance key as written ("[0]", `["web"]`) or "".
	Key string

	traversal hcl.Traversal
}

// String is the address as terraform writes it.
func (a Address) String() string {
	s := a.Type + "." + a.Name + a.Key
	if a.Module != "" {
		s = a.Module + "." + s
	}
	return s
}

// MarshalJSON writes the address as terraform does.
func (a Address) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// Config is the address without its instance key: the resource block's
// address in its module.
func (a Address) Config() string { return a.Type + "." + a.Name }

// ParseAddress validates an address for an import block.
func ParseAddress(s string) (Address, error) {
	bad := func(why string) (Address, error) {
		return Address{}, fmt.Errorf("%q is not a resource address: %s (expected TYPE.NAME, e.g. aws_security_group.extra, optionally module.NAME. before it and [KEY] after it)", s, why)
	}
	if strings.TrimSpace(s) != s || s == "" {
		return bad("it is empty or has spaces around it")
	}
	tr, diags := hclsyntax.ParseTraversalAbs([]byte(s), "address", hcl.InitialPos)
	if diags.HasErrors() {
		return bad(diags[0].Summary)
	}
	var a Address
	steps := tr
	for len(steps) > 0 {
		name := stepName(steps[0])
		if name != "module" {
			break
		}
		if len(steps) < 2 || stepName(steps[1]) == "" {
			return bad("module needs a name")
		}
		part := "module." + stepName(steps[1])
		steps = steps[2:]
		if len(steps) > 0 {
			if k, ok := indexKey(steps[0]); ok {
				part += k
				steps = steps[1:]
			}
		}
		if a.Module != "" {
			a.Module += "."
		}
		a.Module += part
	}
	if len(steps) > 0 && stepName(steps[0]) == "data" {
		return bad("data sources cannot be imported")
	}
	if len(steps) < 2 || stepName(steps[0]) == "" || stepName(steps[1]) == "" {
		return bad("the type and the name are missing")
	}
	a.Type, a.Name = stepName(steps[0]), stepName(steps[1])
	if !strings.Contains(a.Type, "_") {
		return bad(fmt.Sprintf("%q is not a resource type (types start with the provider's name: aws_...)", a.Type))
	}
	steps = steps[2:]
	if len(steps) > 0 {
		k, ok := indexKey(steps[0])
		if !ok {
			return bad("only an instance key may follow the name")
		}
		a.Key = k
		steps = steps[1:]
	}
	if len(steps) > 0 {
		return bad("it goes on after the resource name")
	}
	a.traversal = tr
	return a, nil
}

func stepName(t hcl.Traverser) string {
	switch s := t.(type) {
	case hcl.TraverseRoot:
		return s.Name
	case hcl.TraverseAttr:
		return s.Name
	}
	return ""
}

func indexKey(t hcl.Traverser) (string, bool) {
	ix, ok := t.(hcl.TraverseIndex)
	if !ok {
		return "", false
	}
	switch ix.Key.Type().FriendlyName() {
	case "string":
		return fmt.Sprintf("[%q]", ix.Key.AsString()), true
	case "number":
		return "[" + ix.Key.AsBigFloat().Text('f', -1) + "]", true
	}
	return "", false
}
