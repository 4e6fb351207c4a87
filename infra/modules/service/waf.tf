# --- Regional WAF on the ALB: the partner API hostname ----------------------------------
# Partners call the partner hostname on the ALB directly, so CloudFront's WAF
# does not see them; this web ACL does. Requests for any other hostname are
# allowed through by the first rule: they come from CloudFront, whose WAF
# already judged them, and the listener rules still require the
# origin-verify header.

locals {
  partner_waf = var.partner_api_domain != ""

  partner_managed_rule_sets = {
    AWSManagedRulesCommonRuleSet         = 10
    AWSManagedRulesSQLiRuleSet           = 11
    AWSManagedRulesKnownBadInputsRuleSet = 12
  }
}

resource "aws_wafv2_ip_set" "partner_blocked" {
  count = local.partner_waf && length(var.partner_api_waf.blocked_cidrs) > 0 ? 1 : 0

  name               = "${local.name}-partner-blocked"
  description        = "Networks blocked from the ${local.name} partner API"
  scope              = "REGIONAL"
  ip_address_version = "IPV4"
  addresses          = var.partner_api_waf.blocked_cidrs
}

resource "aws_wafv2_web_acl" "partner" {
  count = local.partner_waf ? 1 : 0

  name        = "${local.name}-partner-api"
  description = "${local.name} partner API (regional, on the ALB)"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "not-partner-host"
    priority = 0

    action {
      allow {}
    }

    statement {
      not_statement {
        statement {
          byte_match_statement {
            search_string         = var.partner_api_domain
            positional_constraint = "EXACTLY"

            field_to_match {
              single_header {
                name = "host"
              }
            }

            text_transformation {
              priority = 0
              type     = "LOWERCASE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-partner-not-partner-host"
      sampled_requests_enabled   = false
    }
  }

  dynamic "rule" {
    for_each = aws_wafv2_ip_set.partner_blocked
    content {
      name     = "blocked-networks"
      priority = 1

      action {
        block {}
      }

      statement {
        ip_set_reference_statement {
          arn = rule.value.arn
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.name}-partner-blocked-networks"
        sampled_requests_enabled   = true
      }
    }
  }

  rule {
    name     = "rate-limit"
    priority = 2

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.partner_api_waf.rate_limit
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-partner-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = local.partner_managed_rule_sets
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
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.name}-partner-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${local.name}-partner-api"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "partner" {
  count = local.partner_waf ? 1 : 0

  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.partner[0].arn
}
