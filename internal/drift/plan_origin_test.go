package drift

import (
	"reflect"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// Without the module's files, where a drifted value comes from is read
// from the plan's configuration section: the root variables its
// expression references, inside a nested block when the path goes
// through one.
func TestOriginFromPlanNestedBlocks(t *testing.T) {
	expr := func(refs ...string) *tfjson.Expression {
		return &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{References: refs}}
	}
	p := &tfjson.Plan{Config: &tfjson.Config{RootModule: &tfjson.ConfigModule{Resources: []*tfjson.ConfigResource{
		{Address: "aws_ecs_service.other", Expressions: map[string]*tfjson.Expression{"desired_count": expr("var.other")}},
		{Address: "aws_ecs_service.s", Expressions: map[string]*tfjson.Expression{
			"desired_count": expr("var.count", "local.x", "var.count", "var.base"),
			"network_configuration": {ExpressionData: &tfjson.ExpressionData{NestedBlocks: []map[string]*tfjson.Expression{
				{"subnets": expr("var.subnets", "module.net.ids")},
			}}},
			"ingress_cidrs": expr("var.cidrs"),
			"plain":         expr("local.only"),
			"null":          {},
		}},
	}}}}
	rc := &tfjson.ResourceChange{Type: "aws_ecs_service", Name: "s"}
	cases := []struct {
		steps []any
		want  []string
	}{
		{[]any{"desired_count"}, []string{"base", "count"}},
		{[]any{"network_configuration", 0, "subnets"}, []string{"subnets"}},
		{[]any{"network_configuration", 0, "subnets", 1}, []string{"subnets"}},
		{[]any{"ingress_cidrs", 0, "x"}, []string{"cidrs"}},
		{[]any{"network_configuration", 1, "subnets"}, nil},
		{[]any{"network_configuration", "0", "subnets"}, nil},
		{[]any{"network_configuration", 0, 1}, nil},
		{[]any{"network_configuration", 0, "security_groups"}, nil},
		{[]any{"network_configuration", 0}, nil},
		{[]any{"plain"}, nil},
		{[]any{"null"}, nil},
		{[]any{"missing"}, nil},
		{nil, nil},
	}
	for _, c := range cases {
		o := originFromPlan(p, rc, c.steps)
		var got []string
		if o != nil {
			got = o.Variables
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: variables %v, want %v", c.steps, got, c.want)
		}
	}
	if o := originFromPlan(p, &tfjson.ResourceChange{Type: "aws_ecs_service", Name: "s", ModuleAddress: "module.m"}, []any{"desired_count"}); o != nil {
		t.Errorf("a resource in a module: %+v", o)
	}
	if o := originFromPlan(&tfjson.Plan{}, rc, []any{"desired_count"}); o != nil {
		t.Errorf("a plan without configuration: %+v", o)
	}
	if o := originFromPlan(nil, rc, []any{"desired_count"}); o != nil {
		t.Errorf("no plan: %+v", o)
	}
}

// A rule that names a group of another account (123456789012/sg-2) is
// the rule another resource manages by the group's ID alone.
func TestGroupsOfOtherAccounts(t *testing.T) {
	ro := planOf(t, `{"format_version":"1.2",`+priorStateOf(
		stateResource("aws_security_group_rule", "from_lb", `{"type":"ingress","security_group_id":"sg-1","protocol":"tcp","from_port":443,"to_port":443,"source_security_group_id":"sg-2"}`),
	)+`,"resource_drift":[
	  `+updateOf("aws_security_group", "app", `"before":{"id":"sg-1","ingress":[]},
	    "after":{"id":"sg-1","ingress":[
	      {"protocol":"tcp","from_port":443,"to_port":443,"security_groups":["123456789012/sg-2"]},
	      {"protocol":"tcp","from_port":22,"to_port":22,"security_groups":["123456789012/sg-3"]}]}`)+`]}`)
	u := analyzeOne(t, Input{RefreshOnly: ro})
	want := []string{`aws_security_group.app ingress: [] → [{"from_port":22,"protocol":"tcp","security_groups":["sg-3"],"to_port":22}]`}
	if got := paths(u); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
