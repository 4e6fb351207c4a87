package parity

import (
	"testing"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/terraform"
	"github.com/stackctl/stackctl/internal/testutil"
)

func TestStateComparison(t *testing.T) {
	files := with(base(), map[string]string{
		"stackctl.hcl": rootFile + `
parity {
  difference {
    resources = ["aws_ecs_service.*"]
    reason    = "prod scales out"
  }
}
`})
	a := StateResources{"service": {"aws_lb_listener_rule.app": 1, "aws_ecs_service.web": 1}, "network": {"aws_vpc.main": 1}}
	b := StateResources{"service": {"aws_lb_listener_rule.app": 1, "aws_lb_listener_rule.partner": 1, "aws_ecs_service.web": 3}, "network": {"aws_vpc.main": 1}}
	r := compare(t, files, Options{StateA: a, StateB: b})
	rule := find(r, "service", KindResource, "aws_lb_listener_rule.partner")
	ecs := find(r, "service", KindResource, "aws_ecs_service.web")
	if rule == nil || rule.Declared || rule.What != "only in prod's state" {
		t.Fatalf("want the partner rule flagged, got:\n%s", human(r, false))
	}
	if ecs == nil || !ecs.Declared || ecs.A.Text != "1 instance" || ecs.B.Text != "3 instances" {
		t.Fatalf("want the ECS count declared, got %+v", ecs)
	}
	if len(r.Differences) != 2 || !r.StateCompared {
		t.Errorf("differences: %+v", r.Differences)
	}
}

func TestSSMParametersComparedByName(t *testing.T) {
	files := base()
	for _, env := range []string{"staging", "prod"} {
		files["infra/live/"+env+"/network/unit.hcl"] = `
source = "../../../modules/network"
inputs = {
  cidr = "10.0.0.0/16"
  key  = ssm_parameter("/shop/${env.name}/gateway-key")
  old  = ssm_parameter("/shop/staging/legacy")
}
`
	}
	dir := testutil.WriteTree(t, files)
	loader := config.NewLoader(config.Options{Dir: dir, SSM: OfflineSSM})
	var envs []*Env
	for _, name := range []string{"staging", "prod"} {
		st, diags := loader.Load(name)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		e, diags := FromStack(st, RenderOptions{})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		envs = append(envs, e)
	}
	r := Compare(envs[0], envs[1], Options{})
	if len(r.Differences) != 1 || find(r, "network", KindInput, "old") == nil {
		t.Fatalf("want only the parameter that names staging in prod flagged, got:\n%s", human(r, false))
	}
}

// Inputs a unit's module does not declare never reach terraform: they are
// left out when the module's variables are known.
func TestOnlyPassedInputsCompared(t *testing.T) {
	files := with(base(), map[string]string{
		"infra/live/prod/env.hcl": `
vars   = { region = "eu-west-1", domain = "example.com" }
inputs = { region = env.region, web_max_tasks = 6 }
`,
		"infra/modules/service/main.tf": "variable \"hostnames\" {}\nvariable \"web_max_tasks\" {}\n",
	})
	r := compareWith(t, files, RenderOptions{ModuleVariables: terraform.DeclaredVariables}, Options{})
	if len(r.Differences) != 1 || find(r, "service", KindInput, "web_max_tasks") == nil {
		t.Fatalf("want web_max_tasks flagged in service only, got:\n%s", human(r, false))
	}
	// Without the module's variables every input counts: network too.
	if r := compare(t, files, Options{}); find(r, "network", KindInput, "web_max_tasks") == nil {
		t.Fatalf("want web_max_tasks flagged in network too, got:\n%s", human(r, false))
	}
}
