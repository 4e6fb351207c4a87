package adopt

import (
	"fmt"
	"regexp"
	"strings"
)

// index answers "is this managed?" and "which unit would take it?".
type index struct {
	arns      map[string]bool
	byID      map[string]map[string]Managed // type → ID → resource
	ids       map[string]bool               // IDs of any type (an ARN-less match)
	typeUnits map[string]map[string]int     // type → unit → count
	units     map[string]bool
	addresses map[string]bool // unit + " " + address
	all       []Managed
}

func newIndex(ms []Managed) *index {
	x := &index{arns: map[string]bool{}, byID: map[string]map[string]Managed{}, ids: map[string]bool{}, typeUnits: map[string]map[string]int{}, units: map[string]bool{}, addresses: map[string]bool{}, all: ms}
	for _, m := range ms {
		if m.ARN != "" {
			x.arns[m.ARN] = true
		}
		if x.byID[m.Type] == nil {
			x.byID[m.Type] = map[string]Managed{}
		}
		if m.ID != "" {
			x.byID[m.Type][m.ID] = m
			x.ids[m.ID] = true
		}
		if x.typeUnits[m.Type] == nil {
			x.typeUnits[m.Type] = map[string]int{}
		}
		x.typeUnits[m.Type][m.Unit]++
		x.units[m.Unit] = true
		x.addresses[m.Unit+" "+m.Address] = true
	}
	return x
}

func (x *index) managed(u *Unmanaged) bool {
	if u.ARN != "" && x.arns[u.ARN] {
		return true
	}
	if u.Type != "" {
		_, ok := x.byID[u.Type][u.ID]
		return ok
	}
	return x.ids[u.ID]
}

func (x *index) ofType(t string) []Managed {
	var out []Managed
	for _, m := range x.all {
		if m.Type == t {
			out = append(out, m)
		}
	}
	return out
}

// owner is the unit that manages the parent (a VPC, cluster, role or
// security group) with this ID.
func (x *index) owner(parent string) (Managed, bool) {
	for _, m := range x.all {
		if m.ID == parent || (m.Type == "aws_ecs_cluster" && m.ARN == parent) {
			return m, true
		}
	}
	return Managed{}, false
}

// typeOwner is the unit that manages the most resources of a type.
func (x *index) typeOwner(t string) (string, int) {
	best, n := "", 0
	for unit, c := range x.typeUnits[t] {
		if c > n || (c == n && unit < best) {
			best, n = unit, c
		}
	}
	return best, n
}

// suggest fills in each resource's unit and address: the unit its unit tag
// names, else the unit that manages its VPC or cluster, else the unit
// that manages that type of resource.
func suggest(found []*Unmanaged, x *index, unitTag string) {
	for _, u := range found {
		switch {
		case u.Unit != "":
			// attachments and rules already know their parent's unit
		case unitTag != "" && x.units[u.Tags[unitTag]]:
			u.Unit, u.Reason = u.Tags[unitTag], fmt.Sprintf("its %s tag", unitTag)
		default:
			if p, ok := x.owner(u.Parent); ok && u.Parent != "" {
				u.Unit, u.Reason = p.Unit, fmt.Sprintf("it belongs to %s (%s)", u.Parent, p.Address)
			} else if unit, n := x.typeOwner(u.Type); unit != "" {
				u.Unit, u.Reason = unit, fmt.Sprintf("that unit manages %d %s", n, u.Type)
			} else {
				u.Reason = "no unit manages this type of resource or its VPC"
			}
		}
		if u.Type == "" {
			continue
		}
		name := u.name
		if name == "" {
			name = u.Tags["Name"]
		}
		if name == "" {
			name = u.ID
			if i := strings.LastIndexAny(name, "/:"); i >= 0 {
				name = name[i+1:]
			}
		}
		base := u.Type + "." + identifier(name)
		addr := base
		for i := 2; x.addresses[u.Unit+" "+addr]; i++ {
			addr = fmt.Sprintf("%s_%d", base, i)
		}
		x.addresses[u.Unit+" "+addr] = true
		u.Address = addr
	}
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// identifier makes a resource name out of anything: terraform names
// start with a letter or underscore and hold letters, digits, _ and -.
func identifier(s string) string {
	s = strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(s), "_"), "_")
	if s == "" {
		return "adopted"
	}
	if c := s[0]; c >= '0' && c <= '9' {
		s = "r_" + s
	}
	return s
}
