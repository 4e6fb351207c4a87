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

output "execution_role_arn" {
  description = "ARN of the ECS task execution role."
  value       = aws_iam_role.execution.arn
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
