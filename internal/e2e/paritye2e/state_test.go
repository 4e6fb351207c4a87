package paritye2e

import (
	"strings"
	"testing"
)

const countedModule = `
variable "name" {}
variable "instances" {
  type    = number
  default = 1
}
variable "partner" {
  type    = bool
  default = false
}
resource "terraform_data" "this" {
  count = var.instances
  input = "${var.name}-${count.index}"
}
resource "terraform_data" "partner" {
  count = var.partner ? 1 : 0
  input = "partner"
}
output "name" {
  value = var.name
}
`

// diff-env --state on two environments applied for real: what the
// states hold is compared by address and instance count, after the
// inputs (whose differences are declared) are.
func TestDiffEnvState(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"stackctl.hcl": parityRoot + `
parity {
  difference {
    units     = ["app"]
    inputs    = ["instances"]
    resources = ["terraform_data.this"]
    reason    = "capacity: prod serves the traffic"
  }
  difference {
    inputs = ["partner"]
    reason = "only prod serves the partner"
  }
}
`,
		"modules/app/main.tf":  countedModule,
		"live/staging/env.hcl": `vars = { domain = "staging.example.com" }`,
		"live/prod/env.hcl":    `vars = { domain = "example.com" }`,
		"live/staging/app/unit.hcl": `source = "../../../modules/app"
inputs = { name = "app-${env.name}" }
`,
		"live/prod/app/unit.hcl": `source = "../../../modules/app"
inputs = {
  name      = "app-${env.name}"
  instances = 2
  partner   = true
}
`,
		"live/staging/edge/unit.hcl": "source = \"../../../modules/app\"\ninputs = { name = \"edge\" }\n",
		"live/prod/edge/unit.hcl":    "source = \"../../../modules/app\"\ninputs = { name = \"edge\" }\n",
	}
	tr := newTree(t, files)
	tr.must(0, "apply", "staging", "--auto-approve")
	tr.must(0, "apply", "prod", "--auto-approve", "--unit", "app")

	// As configured, every difference is declared.
	r := tr.must(0, "diff-env", "staging", "prod")
	contains(t, "diff-env", r.stdout, "0 undeclared differences, 2 declared (2 units compared)")

	r = tr.must(2, "diff-env", "staging", "prod", "--state")
	contains(t, "diff-env --state", r.stdout,
		"(2 units compared, with their state)",
		"! terraform_data.partner: only in prod's state\n      staging  (absent)\n      prod     1 instance",
		"~ terraform_data.this: instance count differs\n      declared: capacity: prod serves the traffic (stackctl.hcl:10:3)",
		"      staging  1 instance\n      prod     2 instances",
		"edge\n  ! terraform_data.this: only in staging's state")
	contains(t, "stderr", r.stderr, "stackctl: prod: edge has no state yet")
	if strings.Contains(r.stdout, "network") {
		t.Errorf("unexpected units:\n%s", r.stdout)
	}
	r = tr.must(2, "diff-env", "staging", "prod", "--state", "--unit", "app", "--format", "markdown")
	contains(t, "markdown", r.stdout, "| `app` | terraform_data.partner: only in prod's state | — | `1 instance` |",
		"| `app` | terraform_data.this: instance count differs | `1 instance` | `2 instances` | capacity: prod serves the traffic |")
	if strings.Contains(r.stdout, "edge") {
		t.Errorf("--unit app still compares edge:\n%s", r.stdout)
	}
}
