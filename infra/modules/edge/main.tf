data "aws_caller_identity" "current" {}

locals {
  name          = "${var.project}-${var.environment}"
  assets_bucket = var.assets_bucket_name != "" ? var.assets_bucket_name : "${local.name}-assets-${data.aws_caller_identity.current.account_id}"

  # AWS-managed CloudFront policies (fixed IDs, the same in every account).
  cache_policy_caching_disabled    = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  cache_policy_caching_optimized   = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  origin_request_policy_all_viewer = "216adef6-5c7f-47e4-b989-5492eafa07d3"

  alb_origin_id    = "alb"
  assets_origin_id = "assets"
}

# --- Assets bucket (private; readable only by this distribution) ------------------------------

resource "aws_s3_bucket" "assets" {
  bucket        = local.assets_bucket
  force_destroy = var.assets_bucket_force_destroy
}

resource "aws_s3_bucket_ownership_controls" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket = aws_s3_bucket.assets.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

data "aws_iam_policy_document" "assets" {
  statement {
    sid       = "AllowCloudFrontOriginAccessControl"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.assets.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = data.aws_iam_policy_document.assets.json

  depends_on = [aws_s3_bucket_public_access_block.assets]
}

resource "aws_cloudfront_origin_access_control" "assets" {
  name                              = "${local.name}-assets"
  description                       = "CloudFront access to the ${local.name} assets bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# --- Viewer certificate (us-east-1, DNS-validated) --------------------------------------------

resource "aws_acm_certificate" "cloudfront" {
  provider = aws.us_east_1

  domain_name       = var.app_domain
  validation_method = "DNS"

  tags = { Name = var.app_domain }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "certificate_validation" {
  for_each = {
    for o in aws_acm_certificate.cloudfront.domain_validation_options : o.domain_name => {
      name   = o.resource_record_name
      type   = o.resource_record_type
      record = o.resource_record_value
    }
  }

  zone_id = var.dns_zone_id
  name    = each.value.name
  type    = each.value.type
  records = [each.value.record]
  ttl     = 300
  # The service unit's ALB certificate for the same name has the same
  # validation record: either unit may create it.
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "cloudfront" {
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.cloudfront.arn
  validation_record_fqdns = [for r in aws_route53_record.certificate_validation : r.fqdn]
}

# --- WAF (CloudFront scope lives in us-east-1) --------------------------------------------------
# In order: the allow list (never blocked), the deny list, the geo block,
# the rate limit per IP, then AWS's managed rule sets (common, SQL
# injection, known bad inputs). Lists come from configuration, empty by
# default; an empty list adds no rule.

locals {
  managed_rule_sets = {
    AWSManagedRulesCommonRuleSet         = 10
    AWSManagedRulesSQLiRuleSet           = 11
    AWSManagedRulesKnownBadInputsRuleSet = 12
  }
  ip_sets = { for k, v in { allowed = var.waf_allowed_cidrs, blocked = var.waf_blocked_cidrs } : k => v if length(v) > 0 }
}

resource "aws_wafv2_ip_set" "this" {
  provider = aws.us_east_1
  for_each = local.ip_sets

  name               = "${local.name}-${each.key}"
  description        = "${local.name}: networks ${each.key} by the CloudFront web ACL"
  scope              = "CLOUDFRONT"
  ip_address_version = "IPV4"
  addresses          = each.value
}

resource "aws_wafv2_web_acl" "this" {
  provider = aws.us_east_1

  name        = "${local.name}-cloudfront"
  description = "${local.name} CloudFront web ACL"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = contains(keys(local.ip_sets), "allowed") ? [aws_wafv2_ip_set.this["allowed"].arn] : []
    content {
      name     = "allowed-networks"
      priority = 0

      action {
        allow {}
      }

      statement {
        ip_set_reference_statement {
          arn = rule.value
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.name}-allowed-networks"
        sampled_requests_enabled   = true
      }
    }
  }

  dynamic "rule" {
    for_each = contains(keys(local.ip_sets), "blocked") ? [aws_wafv2_ip_set.this["blocked"].arn] : []
    content {
      name     = "blocked-networks"
      priority = 1

      action {
        block {}
      }

      statement {
        ip_set_reference_statement {
          arn = rule.value
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.name}-blocked-networks"
        sampled_requests_enabled   = true
      }
    }
  }

  dynamic "rule" {
    for_each = length(var.waf_blocked_countries) > 0 ? [var.waf_blocked_countries] : []
    content {
      name     = "blocked-countries"
      priority = 2

      action {
        block {}
      }

      statement {
        geo_match_statement {
          country_codes = rule.value
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.name}-blocked-countries"
        sampled_requests_enabled   = true
      }
    }
  }

  rule {
    name     = "rate-limit"
    priority = 3

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = local.managed_rule_sets
    content {
      name     = rule.key
      priority = rule.value

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.key

          dynamic "rule_action_override" {
            for_each = rule.key == "AWSManagedRulesCommonRuleSet" ? var.waf_common_rule_set_count_only : []
            content {
              name = rule_action_override.value
              action_to_use {
                count {}
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.name}-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${local.name}-cloudfront"
    sampled_requests_enabled   = true
  }
}

# --- CloudFront ------------------------------------------------------------------------------------

resource "aws_cloudfront_distribution" "this" {
  enabled             = true
  comment             = "${local.name} application"
  aliases             = [var.app_domain]
  price_class         = var.price_class
  http_version        = "http2and3"
  is_ipv6_enabled     = true
  web_acl_id          = aws_wafv2_web_acl.this.arn
  wait_for_deployment = false # the provider would wait for a deployment that is instant in the emulator and slow on AWS

  origin {
    origin_id   = local.alb_origin_id
    domain_name = var.alb_dns_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }

    # The pre-shared key the ALB's listener rules require: requests that
    # reach the ALB without it (around CloudFront and its WAF) get a 403.
    custom_header {
      name  = var.origin_verify_header
      value = var.origin_verify_key
    }
  }

  origin {
    origin_id                = local.assets_origin_id
    domain_name              = aws_s3_bucket.assets.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.assets.id
  }

  # Application: not cached, every viewer header (Host included: the ALB's
  # host-based rules and certificate match app_domain) forwarded.
  default_cache_behavior {
    target_origin_id         = local.alb_origin_id
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods           = ["GET", "HEAD"]
    compress                 = true
    cache_policy_id          = local.cache_policy_caching_disabled
    origin_request_policy_id = local.origin_request_policy_all_viewer
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.assets_path_patterns
    content {
      path_pattern           = ordered_cache_behavior.value
      target_origin_id       = local.assets_origin_id
      viewer_protocol_policy = "redirect-to-https"
      allowed_methods        = ["GET", "HEAD", "OPTIONS"]
      cached_methods         = ["GET", "HEAD"]
      compress               = true
      cache_policy_id        = local.cache_policy_caching_optimized
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.cloudfront.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

# --- DNS records, health check and failover to the maintenance page ----------------------------------
# The application's A record fails over: PRIMARY is CloudFront while the
# health check of the public hostname passes, SECONDARY the maintenance
# bucket's website endpoint. (S3 website endpoints have no IPv6, so AAAA
# stays a plain alias to CloudFront.)

resource "aws_route53_health_check" "app" {
  fqdn              = var.app_domain
  port              = 443
  type              = "HTTPS"
  resource_path     = var.health_check_path
  request_interval  = 30
  failure_threshold = 3
  measure_latency   = false

  tags = { Name = "${local.name}-app" }
}

resource "aws_route53_record" "app_primary" {
  zone_id         = var.dns_zone_id
  name            = var.app_domain
  type            = "A"
  set_identifier  = "cloudfront"
  health_check_id = aws_route53_health_check.app.id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = aws_cloudfront_distribution.this.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "app_maintenance" {
  zone_id        = var.dns_zone_id
  name           = var.app_domain
  type           = "A"
  set_identifier = "maintenance"

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name                   = aws_s3_bucket_website_configuration.maintenance.website_domain
    zone_id                = aws_s3_bucket.maintenance.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "app_ipv6" {
  zone_id = var.dns_zone_id
  name    = var.app_domain
  type    = "AAAA"

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = aws_cloudfront_distribution.this.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "partner_api" {
  count = var.partner_api_domain != "" ? 1 : 0

  zone_id = var.dns_zone_id
  name    = var.partner_api_domain
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = true
  }
}

