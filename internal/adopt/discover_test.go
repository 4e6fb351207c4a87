package adopt

import (
	"testing"
)

func TestArnResource(t *testing.T) {
	for arn, want := range map[string][2]string{
		"arn:aws:ec2:us-east-1:123456789012:security-group/sg-1":                       {"aws_security_group", "sg-1"},
		"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1":                                 {"aws_vpc", "vpc-1"},
		"arn:aws:ssm:us-east-1:123456789012:parameter/app/dev/key":                     {"aws_ssm_parameter", "/app/dev/key"},
		"arn:aws:ssm:us-east-1:123456789012:parameter/flat":                            {"aws_ssm_parameter", "flat"},
		"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:*":                     {"aws_cloudwatch_log_group", "/ecs/app"},
		"arn:aws:ecs:us-east-1:123456789012:service/main/web":                          {"aws_ecs_service", "main/web"},
		"arn:aws:rds:eu-west-1:123456789012:cluster:db-1":                              {"aws_rds_cluster", "db-1"},
		"arn:aws:s3:::assets-bucket":                                                   {"aws_s3_bucket", "assets-bucket"},
		"arn:aws:iam::123456789012:role/service/app-task":                              {"aws_iam_role", "app-task"},
		"arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1234-abcd":            {"aws_wafv2_web_acl", "1234-abcd/edge/GLOBAL"},
		"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/123": {"aws_lb", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/123"},
	} {
		typ, id, ok := arnResource(arn)
		if !ok || typ != want[0] || id != want[1] {
			t.Errorf("%s: got %s %s %v", arn, typ, id, ok)
		}
	}
	if _, _, ok := arnResource("arn:aws:sqs:us-east-1:123456789012:queue"); ok {
		t.Error("an unknown service must say so")
	}
}

func TestSuggest(t *testing.T) {
	x := newIndex([]Managed{
		{Unit: "network", Address: "aws_vpc.main", Type: "aws_vpc", ID: "vpc-1"},
		{Unit: "network", Address: "aws_security_group.extra", Type: "aws_security_group", ID: "sg-9", Parent: "vpc-1"},
		{Unit: "database", Address: "aws_ssm_parameter.password", Type: "aws_ssm_parameter", ID: "/p"},
		{Unit: "service", Address: "aws_ecs_cluster.this", Type: "aws_ecs_cluster", ID: "arn:aws:ecs:us-east-1:1:cluster/main", ARN: "arn:aws:ecs:us-east-1:1:cluster/main"},
	})
	found := []*Unmanaged{
		{Type: "aws_security_group", ID: "sg-2", Parent: "vpc-1", name: "extra"},
		{Type: "aws_ssm_parameter", ID: "/app/dev/api-key"},
		{Type: "aws_ssm_parameter", ID: "/app/dev/x", Tags: map[string]string{"Unit": "service"}},
		{Type: "aws_kms_key", ID: "k-1"},
		{Type: "aws_s3_bucket", ID: "9lives"},
		{Type: "aws_ecs_service", ID: "main/worker", Parent: "arn:aws:ecs:us-east-1:1:cluster/main"},
	}
	suggest(found, x, "Unit")
	want := []string{
		"network aws_security_group.extra_2", // its VPC's unit; the name is taken there
		"database aws_ssm_parameter.api_key", // the unit that manages parameters
		"service aws_ssm_parameter.x",        // its Unit tag
		" aws_kms_key.k_1",                   // nothing fits
		" aws_s3_bucket.r_9lives",            // names start with a letter
		"service aws_ecs_service.worker",     // its cluster's unit
	}
	for i, u := range found {
		if got := u.Unit + " " + u.Address; got != want[i] {
			t.Errorf("%s: got %q (%s), want %q", u.ID, got, u.Reason, want[i])
		}
	}
	if !x.managed(&Unmanaged{Type: "aws_ecs_cluster", ID: "main", ARN: "arn:aws:ecs:us-east-1:1:cluster/main"}) {
		t.Error("a resource managed under another ID must match by ARN")
	}
}

func TestManagedFrom(t *testing.T) {
	m := ManagedFrom("service", "aws_iam_role_policy_attachment.x", "aws_iam_role_policy_attachment", map[string]any{"id": "role-2024", "role": "task", "policy_arn": "arn:p"})
	if m.ID != "task/arn:p" || m.Parent != "task" {
		t.Errorf("attachment: %+v", m)
	}
	m = ManagedFrom("access", "aws_iam_user_policy_attachment.x", "aws_iam_user_policy_attachment", map[string]any{"id": "deploy-2024", "user": "deploy", "policy_arn": "arn:p"})
	if m.ID != "deploy/arn:p" || m.Parent != "deploy" {
		t.Errorf("user attachment: %+v", m)
	}
	m = ManagedFrom("network", "aws_vpc_security_group_ingress_rule.r", "aws_vpc_security_group_ingress_rule", map[string]any{"id": "sgr-1", "security_group_rule_id": "sgr-1", "security_group_id": "sg-1"})
	if m.ID != "sgr-1" || m.Parent != "sg-1" {
		t.Errorf("rule: %+v", m)
	}
}

// Resources found in a region are described in that region (a security
// group's VPC), not the configuration's.
func TestRegionOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1": "eu-west-1",
		"arn:aws:iam::123456789012:role/x":                       "",
		"sg-1":                                                   "",
	} {
		if got := regionOf(arn); got != want {
			t.Errorf("%s: %q, want %q", arn, got, want)
		}
	}
}
