package ops

import (
	"reflect"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/adopt"
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
