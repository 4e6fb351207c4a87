package parity

import (
	"maps"
	"testing"

	"github.com/stackctl/stackctl/internal/state"
)

func TestResourcesOfAState(t *testing.T) {
	st := &state.State{Resources: []*state.Resource{
		{Mode: state.ModeManaged, Type: "aws_lb_listener_rule", Name: "app", Instances: []*state.Instance{{}}},
		{Mode: state.ModeManaged, Type: "aws_ecs_service", Name: "web", Instances: []*state.Instance{{IndexKey: state.IntKey(0)}, {IndexKey: state.IntKey(1)}, {IndexKey: state.IntKey(1), Deposed: "00000001"}}},
		{Mode: state.ModeData, Type: "aws_caller_identity", Name: "me", Instances: []*state.Instance{{}}},
		{Module: `module.app["a]b"]`, Mode: state.ModeManaged, Type: "aws_iam_role", Name: "task", Instances: []*state.Instance{{}}},
		{Module: `module.app["c"].module.db[0]`, Mode: state.ModeManaged, Type: "aws_iam_role", Name: "task", Instances: []*state.Instance{{}}},
		{Module: `module.app["d"]`, Mode: state.ModeManaged, Type: "aws_iam_role", Name: "task", Instances: []*state.Instance{{}}},
	}}
	want := map[string]int{
		"aws_lb_listener_rule.app":               1,
		"aws_ecs_service.web":                    2,
		"data.aws_caller_identity.me":            1,
		"module.app.aws_iam_role.task":           2,
		"module.app.module.db.aws_iam_role.task": 1,
	}
	if got := Resources(st); !maps.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if got := Resources(nil); len(got) != 0 {
		t.Errorf("no state: %v", got)
	}
}
