output "cloudfront_distribution_id" {
  description = "ID of the CloudFront distribution (for cache invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "cloudfront_distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "cloudfront_domain_name" {
  description = "Domain name of the CloudFront distribution (*.cloudfront.net)."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "cloudfront_hosted_zone_id" {
  description = "Route53 zone ID of CloudFront, for alias records."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "cloudfront_certificate_arn" {
  description = "ARN of the viewer certificate (ACM, us-east-1)."
  value       = aws_acm_certificate_validation.cloudfront.certificate_arn
}

output "assets_bucket_name" {
  description = "Name of the S3 assets bucket (upload build assets here)."
  value       = aws_s3_bucket.assets.id
}

output "assets_bucket_arn" {
  description = "ARN of the S3 assets bucket."
  value       = aws_s3_bucket.assets.arn
}

output "origin_access_control_id" {
  description = "ID of the CloudFront origin access control used for the assets bucket."
  value       = aws_cloudfront_origin_access_control.assets.id
}

output "waf_web_acl_arn" {
  description = "ARN of the WAFv2 web ACL (CLOUDFRONT scope) attached to the distribution."
  value       = aws_wafv2_web_acl.this.arn
}

output "waf_web_acl_id" {
  description = "ID of the WAFv2 web ACL."
  value       = aws_wafv2_web_acl.this.id
}

output "app_fqdn" {
  description = "Fully qualified application hostname (alias to CloudFront)."
  value       = aws_route53_record.app_primary.fqdn
}

output "app_url" {
  description = "Public URL of the application."
  value       = "https://${var.app_domain}"
}

output "partner_api_fqdn" {
  description = "Fully qualified partner API hostname (alias to the ALB), or \"\" when there is none."
  value       = var.partner_api_domain != "" ? aws_route53_record.partner_api[0].fqdn : ""
}

output "health_check_id" {
  description = "ID of the Route53 health check of the application's hostname."
  value       = aws_route53_health_check.app.id
}

output "maintenance_bucket_name" {
  description = "Bucket of the maintenance page (named as the hostname, as DNS failover to S3 requires)."
  value       = aws_s3_bucket.maintenance.id
}
