package adopt

import (
	"strings"
)

// arnResource maps an ARN to the Terraform resource type and the ID
// `terraform import` expects for it, which is not always the ARN: an SSM
// parameter imports by name, a log group by name, an ECS service by
// cluster/name. The services are those the production stack uses.
func arnResource(arn string) (typ, id string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "", false
	}
	service, res := parts[2], parts[5]
	kind, rest, _ := strings.Cut(res, "/")
	switch service {
	case "ec2":
		types := map[string]string{
			"vpc": "aws_vpc", "subnet": "aws_subnet", "security-group": "aws_security_group",
			"internet-gateway": "aws_internet_gateway", "natgateway": "aws_nat_gateway",
			"elastic-ip": "aws_eip", "route-table": "aws_route_table", "vpc-endpoint": "aws_vpc_endpoint",
			"network-acl": "aws_network_acl", "instance": "aws_instance", "launch-template": "aws_launch_template",
			"key-pair": "aws_key_pair", "volume": "aws_ebs_volume",
		}
		if t := types[kind]; t != "" && rest != "" {
			return t, rest, true
		}
	case "ssm":
		if kind == "parameter" && rest != "" {
			// Hierarchical names begin with "/", which the ARN drops.
			if strings.Contains(rest, "/") {
				return "aws_ssm_parameter", "/" + rest, true
			}
			return "aws_ssm_parameter", rest, true
		}
	case "logs":
		if name, ok := strings.CutPrefix(res, "log-group:"); ok {
			return "aws_cloudwatch_log_group", strings.TrimSuffix(name, ":*"), true
		}
	case "ecs":
		switch kind {
		case "cluster":
			return "aws_ecs_cluster", rest, true
		case "service":
			return "aws_ecs_service", rest, true // cluster/name
		case "task-definition":
			return "aws_ecs_task_definition", arn, true
		}
	case "ecr":
		if kind == "repository" {
			return "aws_ecr_repository", rest, true
		}
	case "rds":
		kind, rest, _ = strings.Cut(res, ":")
		types := map[string]string{"cluster": "aws_rds_cluster", "db": "aws_db_instance", "subgrp": "aws_db_subnet_group", "cluster-pg": "aws_rds_cluster_parameter_group", "pg": "aws_db_parameter_group"}
		if t := types[kind]; t != "" && rest != "" {
			return t, rest, true
		}
	case "elasticloadbalancing":
		switch kind {
		case "loadbalancer":
			return "aws_lb", arn, true
		case "targetgroup":
			return "aws_lb_target_group", arn, true
		case "listener":
			return "aws_lb_listener", arn, true
		case "listener-rule":
			return "aws_lb_listener_rule", arn, true
		}
	case "s3":
		if parts[3] == "" && !strings.Contains(res, "/") {
			return "aws_s3_bucket", res, true
		}
	case "iam":
		name := rest
		if i := strings.LastIndexByte(rest, '/'); i >= 0 {
			name = rest[i+1:]
		}
		switch kind {
		case "role":
			return "aws_iam_role", name, true
		case "policy":
			return "aws_iam_policy", arn, true
		case "user":
			return "aws_iam_user", name, true
		}
	case "route53":
		if kind == "hostedzone" {
			return "aws_route53_zone", rest, true
		}
	case "cloudwatch":
		if name, ok := strings.CutPrefix(res, "alarm:"); ok {
			return "aws_cloudwatch_metric_alarm", name, true
		}
	case "acm":
		return "aws_acm_certificate", arn, true
	case "cloudfront":
		if kind == "distribution" {
			return "aws_cloudfront_distribution", rest, true
		}
	case "wafv2":
		// regional/webacl/NAME/ID → ID/NAME/REGIONAL
		seg := strings.Split(res, "/")
		if len(seg) == 4 && seg[1] == "webacl" {
			return "aws_wafv2_web_acl", seg[3] + "/" + seg[2] + "/" + strings.ToUpper(seg[0]), true
		}
	case "kms":
		if kind == "key" {
			return "aws_kms_key", rest, true
		}
	case "secretsmanager":
		if strings.HasPrefix(res, "secret:") {
			return "aws_secretsmanager_secret", arn, true
		}
	}
	return "", "", false
}
