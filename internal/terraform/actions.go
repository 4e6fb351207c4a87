package terraform

import (
	"context"
	"io"

	tfjson "github.com/hashicorp/terraform-json"
)

// ResourceAction is one resource instance a plan changes, for views that
// list them (markdown summaries) without the plan itself.
type ResourceAction struct {
	Address string `json:"address"`
	// Action is create, update, delete, replace, read or no-op, as in
	// terraform's JSON; an import without other change is "import".
	Action string `json:"action"`
}

// Symbol is the sign terraform shows for the action.
func (a ResourceAction) Symbol() string {
	switch a.Action {
	case "create":
		return "+"
	case "update":
		return "~"
	case "delete":
		return "-"
	case "replace":
		return "-/+"
	case "read":
		return "<="
	case "import":
		return "<-"
	}
	return " "
}

// ResourceActions lists the resources a plan changes, in the plan's order;
// nothing for a plan without JSON.
func ResourceActions(plan *tfjson.Plan) []ResourceAction {
	if plan == nil {
		return nil
	}
	var out []ResourceAction
	for _, rc := range plan.ResourceChanges {
		if rc.Change == nil {
			continue
		}
		a := rc.Change.Actions
		var action string
		switch {
		case a.Create():
			action = "create"
		case a.Update():
			action = "update"
		case a.Delete():
			action = "delete"
		case a.Replace():
			action = "replace"
		case a.Read():
			action = "read"
		case rc.Change.Importing != nil:
			action = "import"
		default:
			continue
		}
		out = append(out, ResourceAction{Address: rc.Address, Action: action})
	}
	return out
}

// ShowPlanTextQuiet is ShowPlanText without the copy in the unit's
// output: for a plan saved to a file, which the output already showed
// once.
func (w *Workdir) ShowPlanTextQuiet(ctx context.Context, file string, out io.Writer) error {
	return w.runStep(ctx, []string{"show", "-no-color", file}, out)
}
