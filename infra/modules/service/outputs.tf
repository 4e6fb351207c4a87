output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "ecs_cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "ecs_service_names" {
  description = "Names of the ECS services, keyed web and api."
  value       = { for k, s in aws_ecs_service.app : k => s.name }
}

output "task_definition_arns" {
  description = "ARNs (with revision) of the task definitions, keyed web and api."
  value       = { for k, t in aws_ecs_task_definition.app : k => t.arn }
}

output "ecr_repository_urls" {
  description = "URLs of the ECR repositories to push images to, keyed web and api."
  value       = { for k, r in aws_ecr_repository.app : k => r.repository_url }
}

output "ecr_repository_arns" {
  description = "ARNs of the ECR repositories, keyed web and api."
  value       = { for k, r in aws_ecr_repository.app : k => r.arn }
}

output "log_group_names" {
  description = "CloudWatch log groups of the containers, keyed web and api."
  value       = { for k, g in aws_cloudwatch_log_group.app : k => g.name }
}

output "execution_role_arns" {
  description = "ARNs of the ECS task execution roles, keyed web and api (each reads only its own secrets)."
  value       = { for k, r in aws_iam_role.execution : k => r.arn }
}

output "task_role_arns" {
  description = "ARNs of the task roles, keyed web and api."
  value       = { for k, r in aws_iam_role.task : k => r.arn }
}

output "alb_arn" {
  description = "ARN of the application load balancer."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the ALB (CloudFront origin; partner hostname alias target)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route53 zone ID of the ALB, for alias records."
  value       = aws_lb.this.zone_id
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener."
  value       = aws_lb_listener.https.arn
}

output "target_group_arns" {
  description = "ARNs of the target groups, keyed web and api."
  value       = { for k, t in aws_lb_target_group.app : k => t.arn }
}

output "app_certificate_arn" {
  description = "ARN of the (validated) ACM certificate of app_domain on the ALB."
  value       = aws_acm_certificate_validation.this["app"].certificate_arn
}

output "partner_api_certificate_arn" {
  description = "ARN of the ACM certificate of partner_api_domain, or \"\" when there is none."
  value       = var.partner_api_domain != "" ? aws_acm_certificate_validation.this["partner"].certificate_arn : ""
}

output "app_domain" {
  description = "The application hostname served by the ALB rules."
  value       = var.app_domain
}

output "partner_api_domain" {
  description = "The partner API hostname, or \"\" when there is none."
  value       = var.partner_api_domain
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic the CloudWatch alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "task_role_names" {
  description = "Names of the task roles, keyed by service (the edge unit grants them the assets bucket)."
  value       = { for k, r in aws_iam_role.task : k => r.name }
}

output "origin_verify_header" {
  description = "Name of the header CloudFront must send with the origin-verify key."
  value       = local.origin_verify_header
}

output "origin_verify_key" {
  description = "The origin-verify key, for CloudFront's origin header (edge unit). Sensitive."
  value       = data.aws_ssm_parameter.origin_verify_key.value
  sensitive   = true
}

output "origin_verify_key_parameter_name" {
  description = "Name of the SecureString SSM parameter holding the origin-verify key (the edge unit reads it for CloudFront's origin header)."
  value       = aws_ssm_parameter.origin_verify_key.name
}

output "secret_parameter_arns" {
  description = "ARNs of the SSM parameters each service's containers get as secrets, keyed by service and variable."
  value       = { for k, a in local.apps : k => a.secrets }
}

output "partner_api_web_acl_arn" {
  description = "ARN of the regional WAF web ACL on the ALB (partner API hostname), or null without one."
  value       = one(aws_wafv2_web_acl.partner[*].arn)
}

# What the environment actually serves, read from the resources rather than
# the inputs, so a rule or certificate removed outside Terraform drops out
# after a refresh. The verify blocks in infra/units/service.hcl compare them:
# the lessons of a partner domain the ALB did not route, a certificate that
# did not cover it and an issuer that still named the old domain.

locals {
  listener_certificate_arns = concat(
    [aws_lb_listener.https.certificate_arn],
    [for c in aws_lb_listener_certificate.partner : c.certificate_arn],
  )
}

output "public_hostnames" {
  description = "The hostnames this environment serves publicly: app_domain, and partner_api_domain when set."
  value       = compact([var.app_domain, var.partner_api_domain])
}

output "routed_hostnames" {
  description = "The hostnames the HTTPS listener's rules forward (their host-header conditions); anything else gets the default 403."
  # The application's rules also match the origin-verify key, which makes
  # their whole condition sets sensitive; their host names are not secret.
  value = sort(distinct(concat(
    flatten([for r in aws_lb_listener_rule.partner_api : [for c in r.condition : [for h in c.host_header : tolist(h.values)]]]),
    nonsensitive(flatten([for r in [aws_lb_listener_rule.app_api, aws_lb_listener_rule.app_web] : [for c in r.condition : [for h in c.host_header : tolist(h.values)]]])),
  )))
}

output "certificate_names" {
  description = "The names the certificates attached to the HTTPS listener cover (the default one and the added ones)."
  value = sort(distinct(flatten([
    for c in aws_acm_certificate.this : concat([c.domain_name], tolist(c.subject_alternative_names))
    if contains(local.listener_certificate_arns, c.arn)
  ])))
}

output "jwt_issuer" {
  description = "The JWT issuer the api expects (its JWT_ISSUER), as its task definition holds it; \"\" when unset."
  value = try(one([
    for e in jsondecode(aws_ecs_task_definition.app["api"].container_definitions)[0].environment : e.value
    if e.name == "JWT_ISSUER"
  ]), "")
}
