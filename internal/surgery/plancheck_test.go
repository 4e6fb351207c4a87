package surgery

import (
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

func rc(addr string, before, after map[string]any, actions ...tfjson.Action) *tfjson.ResourceChange {
	return &tfjson.ResourceChange{Address: addr, Mode: tfjson.ManagedResourceMode, Change: &tfjson.Change{Actions: actions, Before: before, After: after}}
}

func TestCheckPlan(t *testing.T) {
	p := &tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{
		rc(`aws_iam_user.app`, map[string]any{"name": "a"}, map[string]any{"name": "a"}, tfjson.ActionNoop),
		rc(`aws_iam_group.app`, map[string]any{"name": "a", "path": "/"}, map[string]any{"name": "b", "path": "/"}, tfjson.ActionUpdate),
		rc(`aws_rds_cluster.db`, nil, map[string]any{}, tfjson.ActionDelete, tfjson.ActionCreate),
		rc(`heroku_app.apps["x"]`, nil, map[string]any{}, tfjson.ActionCreate),
		rc(`aws_sg.alb`, nil, map[string]any{}, tfjson.ActionCreate),
		rc(`untouched.one`, nil, nil, tfjson.ActionDelete),
	}}
	got := CheckPlan(p, Expect{Unit: "u", Touched: []string{"aws_iam_user.app", "aws_iam_group.app", "aws_rds_cluster.db", "heroku_app.apps"}, NoOp: true, Absent: []string{"aws_sg.alb"}})
	var lines []string
	for _, g := range got {
		lines = append(lines, g.String())
	}
	want := []string{
		"u: aws_iam_group.app would be updated in place (name); a rename must leave it unchanged (--allow-update accepts in-place updates)",
		"u: aws_rds_cluster.db would be replaced",
		`u: heroku_app.apps["x"] would be created: terraform could not find the object by what its state says (the refresh dropped it)`,
		"u: aws_sg.alb would be created again: its resource block is still in this unit's configuration",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got := CheckPlan(p, Expect{Unit: "u", Touched: []string{"aws_iam_group.app"}}); len(got) != 0 {
		t.Errorf("an in-place update is fine without NoOp: %v", got)
	}
}
