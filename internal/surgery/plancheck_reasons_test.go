package surgery

import (
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// A plan knows a renamed instance by its new address and names the old
// one as its previous address; data sources, changes without details
// and untouched resources are not the surgery's concern.
func TestCheckPlanPreviousAddressAndReasons(t *testing.T) {
	moved := rc(`heroku_app.apps["b"]`, map[string]any{"name": "a"}, map[string]any{"name": "b"}, tfjson.ActionDelete, tfjson.ActionCreate)
	moved.PreviousAddress = `heroku_app.apps["a"]`
	moved.Change.ReplacePaths = []any{[]any{"name"}, []any{"tags", "Name"}, "not a path"}
	data := rc(`data.heroku_app.x`, nil, nil, tfjson.ActionDelete)
	data.Mode = tfjson.DataResourceMode
	forgot := rc(`aws_sg.old`, map[string]any{}, nil, tfjson.ActionForget)
	gone := rc(`aws_sg.gone`, map[string]any{"id": "sg-1"}, nil, tfjson.ActionDelete)
	upd := rc(`aws_sg.upd`, map[string]any{"id": "sg-1", "name": "x", "old": "y"}, map[string]any{"id": "sg-1", "name": "x", "arn": "z"}, tfjson.ActionUpdate)
	upd.Change.AfterUnknown = map[string]any{"name": true}
	p := &tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{
		moved, data, forgot, gone, upd,
		{Address: "aws_sg.old"},
		rc(`heroku_app.apps["c"]`, nil, map[string]any{}, tfjson.ActionDelete, tfjson.ActionCreate),
	}}
	got := CheckPlan(p, Expect{Unit: "u", Touched: []string{`heroku_app.apps["a"]`, "data.heroku_app.x", "aws_sg.old", "aws_sg.gone", "aws_sg.upd"}, NoOp: true})
	var lines []string
	for _, g := range got {
		lines = append(lines, g.String())
	}
	want := []string{
		`u: heroku_app.apps["b"] would be replaced (because of name, tags.Name)`,
		"u: aws_sg.old would be forgotten (a removed block)",
		"u: aws_sg.gone would be destroyed: it is not in this unit's configuration (or the configuration no longer matches its address)",
		"u: aws_sg.upd would be updated in place (arn, name, old); a rename must leave it unchanged (--allow-update accepts in-place updates)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if err := PlanErrors(got); err == nil || err.Error() != "the plan after the change shows what the surgery must not cause:\n  "+strings.Join(want, "\n  ") {
		t.Errorf("PlanErrors: %v", err)
	}
	if err := PlanErrors(nil); err != nil {
		t.Errorf("no problem is an error: %v", err)
	}
}
