package convert

import (
	"strings"
	"testing"
)

// A file whose last line has no newline still converts, its last
// attribute with it.
func TestLastLineWithoutNewline(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": "inputs = {\n  a = 1\n}\nprevent_destroy = true",
	})
	unit := fileOf(t, r, "infra/live/dev/app/unit.hcl")
	if !strings.Contains(unit, "prevent_destroy = true\n") {
		t.Errorf("unit.hcl lacks prevent_destroy:\n%s", unit)
	}
}
