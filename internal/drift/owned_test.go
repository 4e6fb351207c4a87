package drift

import (
	"reflect"
	"testing"
)

// priorStateOf is a refresh-only plan's prior_state (the refreshed state)
// holding the given root module resources (JSON objects).
func priorStateOf(resources string) string {
	return `"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[` + resources + `]}}}`
}

func stateResource(typ, name, values string) string {
	return `{"address":"` + typ + `.` + name + `","mode":"managed","type":"` + typ + `","name":"` + name + `","values":` + values + `}`
}

// Rules and policies other resources manage are read back into the
// security group and the role: only the parts no resource manages are
// drift, however those resources name them.
func TestPartsOtherResourcesManage(t *testing.T) {
	ro := planOf(t, `{"format_version":"1.2",`+priorStateOf(
		stateResource("aws_iam_role_policy", "owned", `{"id":"task:owned"}`)+","+
			stateResource("aws_security_group_rule", "from_lb", `{"type":"ingress","security_group_id":"sg-1","protocol":"tcp","from_port":443,"to_port":443,"source_security_group_id":"sg-2"}`)+","+
			stateResource("aws_vpc_security_group_ingress_rule", "https", `{"security_group_id":"sg-1","cidr_ipv4":"10.0.0.0/8","ip_protocol":"tcp","from_port":443,"to_port":443}`),
	)+`,"resource_drift":[
	  {"address":"aws_vpc_security_group_ingress_rule.http","mode":"managed","type":"aws_vpc_security_group_ingress_rule","name":"http",
	   "change":{"actions":["delete"],"before":{"security_group_id":"sg-1","cidr_ipv4":"192.168.0.0/16","ip_protocol":"tcp","from_port":80,"to_port":80},"after":null}},
	  `+updateOf("aws_iam_role", "task", `"before":{"name":"task","inline_policy":[]},
	    "after":{"name":"task","inline_policy":[{"name":"owned","policy":"{}"},{"name":"hand","policy":"{\"Statement\":[]}"}]}`)+`,
	  `+updateOf("aws_security_group", "app", `"before":{"id":"sg-1","ingress":[
	      {"protocol":"tcp","from_port":80,"to_port":80,"cidr_blocks":["192.168.0.0/16"]}]},
	    "after":{"id":"sg-1","ingress":[
	      {"protocol":"tcp","from_port":443,"to_port":443,"security_groups":["sg-2"]},
	      {"protocol":"tcp","from_port":443,"to_port":443,"cidr_blocks":["10.0.0.0/8"]},
	      {"protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8"],"description":"by hand"}]}`)+`]}`)
	u := analyzeOne(t, Input{RefreshOnly: ro})
	want := []string{
		`aws_iam_role.task inline_policy: [] → [{"name":"hand","policy":"{\"Statement\":[]}"}]`,
		`aws_security_group.app ingress: [] → [{"cidr_blocks":["10.0.0.0/8"],"description":"by hand","from_port":22,"protocol":"tcp","to_port":22}]`,
	}
	if got := paths(u); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	var deleted []string
	for _, r := range u.Resources {
		if r.Deleted {
			deleted = append(deleted, r.Address)
		}
	}
	if !reflect.DeepEqual(deleted, []string{"aws_vpc_security_group_ingress_rule.http"}) {
		t.Errorf("deleted: %v, want the rule deleted outside Terraform (its absence from the group is its own drift)", deleted)
	}
}
