package ops

import (
	"encoding/json"
	"reflect"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/adopt"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// Only what the root module's configuration can refer to: managed, with a
// block there, current and not tainted, without sensitive values.
func TestReferables(t *testing.T) {
	declared := adopt.Blocks{"aws_iam_user.deploy": true, "aws_ecs_service.app": true, "aws_subnet.private": true, "aws_instance.old": true, "aws_db_instance.main": true}
	st, err := state.Parse([]byte(`{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "l", "outputs": {}, "resources": [
  {"mode": "managed", "type": "aws_iam_user", "name": "deploy", "provider": "p", "instances": [
    {"schema_version": 0, "attributes": {"id": "ci-deploy", "name": "ci-deploy", "arn": "arn:aws:iam::1:user/ci-deploy", "path": "/"}}]},
  {"mode": "managed", "type": "aws_ecs_service", "name": "app", "provider": "p", "instances": [
    {"index_key": "web", "schema_version": 0, "attributes": {"id": "arn:svc", "name": "web"}}]},
  {"mode": "managed", "type": "aws_subnet", "name": "private", "provider": "p", "instances": [
    {"index_key": 1, "schema_version": 0, "attributes": {"id": "subnet-1", "arn": ""}}]},
  {"mode": "managed", "type": "aws_instance", "name": "old", "provider": "p", "instances": [
    {"status": "tainted", "schema_version": 0, "attributes": {"id": "i-1"}},
    {"deposed": "00000001", "schema_version": 0, "attributes": {"id": "i-0"}}]},
  {"mode": "managed", "type": "aws_db_instance", "name": "main", "provider": "p", "instances": [
    {"schema_version": 0, "attributes": {"id": "db-1", "name": "secret-db"},
     "sensitive_attributes": [[{"type": "get_attr", "value": "name"}]]}]},
  {"mode": "managed", "type": "aws_vpc", "name": "gone", "provider": "p", "instances": [
    {"schema_version": 0, "attributes": {"id": "vpc-1"}}]},
  {"mode": "data", "type": "aws_iam_user", "name": "deploy", "provider": "p", "instances": [
    {"schema_version": 0, "attributes": {"id": "x"}}]},
  {"module": "module.net", "mode": "managed", "type": "aws_iam_user", "name": "deploy", "provider": "p", "instances": [
    {"schema_version": 0, "attributes": {"id": "y"}}]}
]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := referables(st, declared)
	want := []adopt.Referable{
		{Type: "aws_db_instance", Name: "main", Values: map[string]string{"id": "db-1"}},
		{Type: "aws_ecs_service", Name: "app", Key: cty.StringVal("web"), Values: map[string]string{"id": "arn:svc", "name": "web"}},
		{Type: "aws_iam_user", Name: "deploy", Values: map[string]string{"id": "ci-deploy", "name": "ci-deploy", "arn": "arn:aws:iam::1:user/ci-deploy"}},
		{Type: "aws_subnet", Name: "private", Key: cty.NumberIntVal(1), Values: map[string]string{"id": "subnet-1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("referables:\n%#v\nwant\n%#v", got, want)
	}
	if got := referables(nil, declared); got != nil {
		t.Errorf("no state: %v", got)
	}
}

// The import plan's root-module imports, with the values terraform read
// (before, or after when there is no before), keys, and no sensitive
// value; a resource the plan creates or only updates is not imported.
func TestImported(t *testing.T) {
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(`{"format_version": "1.2", "resource_changes": [
  {"address": "aws_security_group.partner", "mode": "managed", "type": "aws_security_group", "name": "partner",
   "change": {"actions": ["no-op"], "before": {"id": "sg-p", "arn": "arn:sg-p", "name": "partner", "tags": {}}, "after": {"id": "sg-p"},
     "before_sensitive": {}, "importing": {"id": "sg-p"}}},
  {"address": "aws_ssm_parameter.key[\"a\"]", "mode": "managed", "type": "aws_ssm_parameter", "name": "key", "index": "a",
   "change": {"actions": ["update"], "before": {"id": "/p/key", "name": "/p/key", "arn": "arn:ssm"},
     "before_sensitive": {"name": true, "value": true}, "importing": {"id": "/p/key"}}},
  {"address": "aws_subnet.s[2]", "mode": "managed", "type": "aws_subnet", "name": "s", "index": 2,
   "change": {"actions": ["no-op"], "after": {"id": "subnet-2", "arn": ""}, "after_sensitive": {"id": true}, "importing": {"id": "subnet-2"}}},
  {"address": "aws_subnet.t", "mode": "managed", "type": "aws_subnet", "name": "t",
   "change": {"actions": ["no-op"], "after": {"id": "subnet-3"}, "importing": {"id": "subnet-3"}}},
  {"address": "aws_vpc.new", "mode": "managed", "type": "aws_vpc", "name": "new", "change": {"actions": ["create"], "after": {"id": null}}},
  {"address": "aws_vpc.old", "mode": "managed", "type": "aws_vpc", "name": "old", "change": {"actions": ["update"], "before": {"id": "vpc-1"}}},
  {"address": "module.m.aws_vpc.x", "module_address": "module.m", "mode": "managed", "type": "aws_vpc", "name": "x",
   "change": {"actions": ["no-op"], "before": {"id": "vpc-2"}, "importing": {"id": "vpc-2"}}},
  {"address": "data.aws_vpc.d", "mode": "data", "type": "aws_vpc", "name": "d",
   "change": {"actions": ["read"], "before": {"id": "vpc-3"}, "importing": {"id": "vpc-3"}}},
  {"address": "aws_vpc.broken", "mode": "managed", "type": "aws_vpc", "name": "broken"}
]}`), &p); err != nil {
		t.Fatal(err)
	}
	got := imported(&p)
	want := []adopt.Referable{
		{Type: "aws_security_group", Name: "partner", Values: map[string]string{"id": "sg-p", "arn": "arn:sg-p", "name": "partner"}},
		{Type: "aws_ssm_parameter", Name: "key", Key: cty.StringVal("a"), Values: map[string]string{"id": "/p/key", "arn": "arn:ssm"}},
		{Type: "aws_subnet", Name: "s", Key: cty.NumberIntVal(2), Values: map[string]string{}},
		{Type: "aws_subnet", Name: "t", Values: map[string]string{"id": "subnet-3"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("imported:\n%#v\nwant\n%#v", got, want)
	}
	if got := imported(nil); got != nil {
		t.Errorf("no plan: %v", got)
	}
}

// Only inputs that reach a variable, are not secret and are known may
// stand for a literal.
func TestLinkable(t *testing.T) {
	inputs := []config.Input{
		{Name: "vpc_id", Value: cty.StringVal("vpc-1")},
		{Name: "subnet_ids", Value: cty.ListVal([]cty.Value{cty.StringVal("subnet-1")})},
		{Name: "password", Value: cty.StringVal("hunter2").Mark(config.Sensitive)},
		{Name: "nested", Value: cty.ListVal([]cty.Value{cty.StringVal("x").Mark(config.Sensitive)})},
		{Name: "later", Value: cty.UnknownVal(cty.String)},
		{Name: "undeclared", Value: cty.StringVal("sg-1")},
	}
	declared := map[string]bool{"vpc_id": true, "subnet_ids": true, "password": true, "nested": true, "later": true}
	got := linkable(inputs, declared)
	want := map[string]cty.Value{"vpc_id": cty.StringVal("vpc-1"), "subnet_ids": cty.ListVal([]cty.Value{cty.StringVal("subnet-1")})}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("linkable: %#v\nwant %#v", got, want)
	}
}
