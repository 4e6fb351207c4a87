# --- Certificates (DNS-validated in the environment's zone) --------------------------------

locals {
  certificate_domains = merge(
    { app = var.app_domain },
    var.partner_api_domain != "" ? { partner = var.partner_api_domain } : {},
  )

  certificate_validation_records = merge([
    for k, cert in aws_acm_certificate.this : {
      for o in cert.domain_validation_options : "${k}:${o.domain_name}" => {
        name   = o.resource_record_name
        type   = o.resource_record_type
        record = o.resource_record_value
      }
    }
  ]...)
}

resource "aws_acm_certificate" "this" {
  for_each = local.certificate_domains

  domain_name       = each.value
  validation_method = "DNS"

  tags = { Name = each.value }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "certificate_validation" {
  for_each = local.certificate_validation_records

  zone_id = var.dns_zone_id
  name    = each.value.name
  type    = each.value.type
  records = [each.value.record]
  ttl     = 300
  # The edge unit's CloudFront certificate for the same name (us-east-1) has the
  # same validation record: either unit may create it.
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  for_each = aws_acm_certificate.this

  certificate_arn = each.value.arn
  validation_record_fqdns = [
    for k, r in aws_route53_record.certificate_validation : r.fqdn if startswith(k, "${each.key}:")
  ]
}

# --- Load balancer ----------------------------------------------------------------------------

resource "aws_lb" "this" {
  name                       = local.short["alb"]
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [var.alb_security_group_id]
  subnets                    = var.public_subnet_ids
  enable_deletion_protection = var.alb_deletion_protection
  drop_invalid_header_fields = true
  idle_timeout               = 60

  access_logs {
    bucket  = var.log_bucket_name
    prefix  = "alb"
    enabled = true
  }
}

resource "aws_lb_target_group" "app" {
  for_each = local.apps

  name                 = local.short[each.key]
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  # Sticky sessions for web (Next.js SSR keeps per-session caches); the api
  # is stateless.
  stickiness {
    type            = "lb_cookie"
    enabled         = each.key == "web"
    cookie_duration = 86400
  }

  health_check {
    enabled             = true
    path                = each.value.health_check_path
    port                = "traffic-port"
    protocol            = "HTTP"
    matcher             = "200-399"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

# No port-80 listener: only CloudFront reaches the ALB for the application,
# over HTTPS (viewers are redirected to HTTPS at CloudFront), and partners
# call the partner hostname over HTTPS.

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.alb_ssl_policy
  certificate_arn   = aws_acm_certificate_validation.this["app"].certificate_arn

  # What no rule forwards gets a 403: the application's hostname without the
  # origin-verify header CloudFront sends (someone going around CloudFront
  # and its WAF), and unknown hosts.
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }
}

resource "aws_lb_listener_certificate" "partner" {
  count = var.partner_api_domain != "" ? 1 : 0

  listener_arn    = aws_lb_listener.https.arn
  certificate_arn = aws_acm_certificate_validation.this["partner"].certificate_arn
}

resource "aws_lb_listener_rule" "partner_api" {
  count = var.partner_api_domain != "" ? 1 : 0

  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  condition {
    host_header {
      values = [var.partner_api_domain]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app["api"].arn
  }
}

resource "aws_lb_listener_rule" "app_api" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 20

  condition {
    host_header {
      values = [var.app_domain]
    }
  }

  condition {
    http_header {
      http_header_name = local.origin_verify_header
      values           = [data.aws_ssm_parameter.origin_verify_key.value]
    }
  }

  condition {
    path_pattern {
      values = ["/api", "/api/*"]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app["api"].arn
  }
}

resource "aws_lb_listener_rule" "app_web" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 30

  condition {
    host_header {
      values = [var.app_domain]
    }
  }

  condition {
    http_header {
      http_header_name = local.origin_verify_header
      values           = [data.aws_ssm_parameter.origin_verify_key.value]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app["web"].arn
  }
}
