package drift

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

func TestEqualNormalisesJSON(t *testing.T) {
	a := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`
	b := `{"Statement":[{"Resource":["*"],"Action":"iam:*","Effect":"Deny"},{"Action":["s3:ListBucket","s3:GetObject"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}`
	if !equal(a, b) {
		t.Error("the same policy, reordered, must be equal")
	}
	if equal(a, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`) {
		t.Error("another policy must differ")
	}
	if !equal(`{"b":1,"a":[1,2]}`, `{"a":[1,2],"b":1}`) || equal(`{"a":[1,2]}`, `{"a":[2,1]}`) {
		t.Error("plain JSON: key order is free, list order is not")
	}
	// IAM reads a list of actions as a set: repeats do not count, every
	// member does.
	policy := func(actions string) string {
		return `{"Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"*"}]}`
	}
	if !equal(policy(`["s3:GetObject","s3:GetObject"]`), policy(`"s3:GetObject"`)) {
		t.Error("a repeated action must not make a policy differ")
	}
	if equal(policy(`["s3:GetObject","s3:ListBucket"]`), policy(`["s3:GetObject","s3:PutObject"]`)) {
		t.Error("policies whose second action differs must differ")
	}
	if !equal(`[{"a":1}, 2]`, `[ {"a": 1}, 2 ]`) {
		t.Error("a JSON list written two ways must be equal")
	}
	if equal("1", "1.0") || equal("true", " true") {
		t.Error("strings that are JSON scalars compare as strings")
	}
	if equal("{not json", "{not  json") {
		t.Error("strings that are not JSON compare as strings")
	}
}

func TestWalkNoiseAndPaths(t *testing.T) {
	before := map[string]any{"tags": nil, "list": []any{}, "desc": "", "labels": map[string]any{"a b": "1"}, "blocks": []any{map[string]any{"n": 1.0}}}
	after := map[string]any{"tags": map[string]any{}, "list": nil, "desc": nil, "labels": map[string]any{"a b": "2"}, "blocks": []any{map[string]any{"n": 2.0}}}
	var got []string
	noise := 0
	for _, k := range unionKeys(before, after) {
		walk(before[k], after[k], []any{k}, func(steps []any, b, a any) { got = append(got, formatPath(steps)) }, &noise)
	}
	if want := []string{"blocks[0].n", `labels["a b"]`}; !reflect.DeepEqual(got, want) || noise != 3 {
		t.Fatalf("got %v (noise %d)", got, noise)
	}
}

func TestMaskValue(t *testing.T) {
	v := map[string]any{"user": "admin", "password": "hunter2", "nested": []any{map[string]any{"token": "t0k"}}}
	sens := map[string]any{"password": true, "nested": []any{map[string]any{"token": true}}}
	got := maskValue(v, sens)
	want := map[string]any{"user": "admin", "password": Masked, "nested": []any{map[string]any{"token": Masked}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	if maskValue(nil, true) != nil || maskValue("x", true) != Masked {
		t.Error("null stays null; anything else is masked")
	}
	if !isTrue(subSensitive(map[string]any{"a": true}, []any{"a", "b", 0})) {
		t.Error("a value under a sensitive one is sensitive")
	}
}

func TestModuleKey(t *testing.T) {
	for in, want := range map[string]string{"": "", "module.net": "net", `module.net["a.b"].module.sub[0]`: "net.sub", "module.net.module": "net"} {
		if got := moduleKey(in); got != want {
			t.Errorf("%s: %q", in, got)
		}
	}
}

// ignore_changes in its forms, and origins traced into a child module
// through its arguments to the root variable.
func TestModuleIgnoreAndOrigin(t *testing.T) {
	dir := testutil.WriteTree(t, map[string]string{
		"main.tf": `variable "count_in" {}
module "svc" {
  source  = "./svc"
  desired = var.count_in
}
resource "aws_vpc" "main" {
  tags = { Name = "x", Team = local.team }
  lifecycle { ignore_changes = all }
}
locals { team = "core" }
resource "aws_subnet" "a" {
  lifecycle { ignore_changes = ["tags", map_public_ip_on_launch, tags_all["Owner"]] }
}
resource "aws_subnet" "b" {
  tags = local.tags
}
locals { tags = { Name = "${var.count_in}-b" } }
`,
		"svc/main.tf": `variable "desired" {}
resource "aws_ecs_service" "s" {
  desired_count = var.desired
  network_configuration {
    subnets = [var.desired]
  }
}
`,
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"svc","Source":"./svc","Dir":"svc"}]}`,
	})
	m, diags := LoadModule(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, c := range []struct {
		typ, name string
		steps     []any
		want      bool
	}{
		{"aws_vpc", "main", []any{"cidr_block"}, true},
		{"aws_subnet", "a", []any{"tags", "Name"}, true},
		{"aws_subnet", "a", []any{"map_public_ip_on_launch"}, true},
		{"aws_subnet", "a", []any{"tags_all", "Owner"}, true},
		{"aws_subnet", "a", []any{"tags_all", "Name"}, false},
		{"aws_subnet", "a", []any{"cidr_block"}, false},
	} {
		if got := m.Ignored("", c.typ, c.name, c.steps); got != c.want {
			t.Errorf("%s.%s %v: ignored %v", c.typ, c.name, c.steps, got)
		}
	}
	o := m.Origin("module.svc", "aws_ecs_service", "s", nil, []any{"desired_count"})
	if o == nil || o.File != "main.tf" || o.Line != 4 || o.Expression != "var.count_in" || !reflect.DeepEqual(o.Variables, []string{"count_in"}) {
		t.Errorf("through the module call: %+v", o)
	}
	o = m.Origin("module.svc", "aws_ecs_service", "s", nil, []any{"network_configuration", 0, "subnets"})
	if o == nil || !reflect.DeepEqual(o.Variables, []string{"count_in"}) || o.File != "module svc: main.tf" || o.Line != 5 {
		t.Errorf("a nested block: %+v", o)
	}
	o = m.Origin("", "aws_vpc", "main", nil, []any{"tags", "Team"})
	if o == nil || o.Expression != `"core"` || o.Line != 10 || len(o.Variables) != 0 {
		t.Errorf("a local written in the module: %+v", o)
	}
	// A key no configuration writes (a tag added by hand) is to be added
	// where the object is written; the other keys' variables do not set it.
	o = m.Origin("", "aws_subnet", "b", nil, []any{"tags", "CostCenter"})
	if o == nil || o.Line != 17 || len(o.Variables) != 0 {
		t.Errorf("a key the configuration does not write: %+v", o)
	}
	o = m.Origin("", "aws_subnet", "b", nil, []any{"tags", "Name"})
	if o == nil || o.Line != 17 || !reflect.DeepEqual(o.Variables, []string{"count_in"}) || o.Expression != `"${var.count_in}-b"` {
		t.Errorf("a key written through a local: %+v", o)
	}
}

// The production stack's modules: the drift the lesson names, read
// against their real configuration.
func TestProductionModules(t *testing.T) {
	service, diags := LoadModule(filepath.Join("..", "..", "infra", "modules", "service"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if !service.Ignored("", "aws_ecs_service", "app", []any{"desired_count"}) {
		t.Error("the service's desired_count is owned by autoscaling: ignored")
	}
	o := service.Origin("", "aws_cloudwatch_log_group", "app", "web", []any{"retention_in_days"})
	if o == nil || o.Expression != "var.log_retention_days" || !reflect.DeepEqual(o.Variables, []string{"log_retention_days"}) {
		t.Errorf("log retention: %+v", o)
	}
	o = service.Origin("", "aws_ecs_service", "app", "api", []any{"desired_count"})
	if o == nil || o.Expression != "var.api_min_tasks" || o.File != "main.tf" {
		t.Errorf("desired_count of api through local.apps: %+v", o)
	}
	database, diags := LoadModule(filepath.Join("..", "..", "infra", "modules", "database"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	// The password is write-only now (value_wo, never in state): its
	// drift cannot be seen, and the parameter's description is what is
	// traced.
	o = database.Origin("", "aws_ssm_parameter", "master_password", nil, []any{"description"})
	if o == nil || !reflect.DeepEqual(o.Variables, []string{"environment", "master_username", "project"}) {
		t.Errorf("the master password's description: %+v", o)
	}
	o = database.Origin("", "aws_ssm_parameter", "database_url", nil, []any{"value_wo"})
	if o == nil || !reflect.DeepEqual(o.Variables, []string{"database_name", "master_username"}) || o.Expression != "format( …" {
		t.Errorf("DATABASE_URL: %+v", o)
	}
	network, diags := LoadModule(filepath.Join("..", "..", "infra", "modules", "network"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	o = network.Origin("", "aws_vpc", "this", nil, []any{"tags", "CostCenter"})
	if o == nil || o.Expression != "{ Name = local.name }" {
		t.Errorf("a tag added by hand on the VPC: %+v", o)
	}
}
