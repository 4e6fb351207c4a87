# Security groups carry no inline rules: every rule is its own resource so that
# drift detection reports changes rule by rule and attribute by attribute.

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Application load balancer: HTTPS from CloudFront and partners only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-alb" }
}

resource "aws_security_group" "ecs" {
  name        = "${local.name}-ecs"
  description = "ECS tasks: application ports from the ALB only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-ecs" }
}

resource "aws_security_group" "database" {
  name        = "${local.name}-database"
  description = "Aurora PostgreSQL: database port from the ECS tasks only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-database" }
}

resource "aws_security_group" "vpc_endpoints" {
  name        = "${local.name}-vpc-endpoints"
  description = "Interface VPC endpoints: HTTPS from the ECS tasks"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-vpc-endpoints" }
}

# --- ALB ---------------------------------------------------------------------

# Only CloudFront may reach the ALB for the application: its origin-facing
# addresses, as the AWS-managed prefix list (on AWS it counts as about 55
# rules against the group's quota of 60). The listener rules also require
# the origin-verify header that only CloudFront sends. No port 80: CloudFront
# talks HTTPS to the origin.
data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_vpc_security_group_ingress_rule" "alb_https_cloudfront" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from CloudFront's origin-facing addresses"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
}

# The partner API hostname is served from the ALB directly (behind the
# regional WAF): only the partners' networks, from configuration.
resource "aws_vpc_security_group_ingress_rule" "alb_https_partner" {
  for_each = toset(var.partner_api_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS to the partner API from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_ecs" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the ECS tasks' application ports"
  ip_protocol                  = "tcp"
  from_port                    = var.app_ports.from
  to_port                      = var.app_ports.to
  referenced_security_group_id = aws_security_group.ecs.id
}

# --- ECS tasks -------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "ecs_from_alb" {
  security_group_id            = aws_security_group.ecs.id
  description                  = "Application ports from the ALB only"
  ip_protocol                  = "tcp"
  from_port                    = var.app_ports.from
  to_port                      = var.app_ports.to
  referenced_security_group_id = aws_security_group.alb.id
}

# Egress is what the design names, not everything: the database, HTTPS
# (the VPC endpoints, S3 through its gateway endpoint, and external services
# such as Datadog and Sentry through the NAT gateway), and MongoDB Atlas
# where its networks are configured.
resource "aws_vpc_security_group_egress_rule" "ecs_to_database" {
  security_group_id            = aws_security_group.ecs.id
  description                  = "PostgreSQL to the database"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "ecs_to_endpoints" {
  security_group_id            = aws_security_group.ecs.id
  description                  = "HTTPS to the interface VPC endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.vpc_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "ecs_to_s3" {
  security_group_id = aws_security_group.ecs.id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "ecs_https" {
  security_group_id = aws_security_group.ecs.id
  description       = "HTTPS to external services through the NAT gateway"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "ecs_to_mongodb" {
  for_each = toset(var.mongodb_cidrs)

  security_group_id = aws_security_group.ecs.id
  description       = "MongoDB Atlas at ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 27017
  to_port           = 27017
  cidr_ipv4         = each.value
}

# --- Database ---------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "database_from_ecs" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the ECS tasks only"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.ecs.id
}

# --- Interface endpoints -------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "vpc_endpoints_from_ecs" {
  security_group_id            = aws_security_group.vpc_endpoints.id
  description                  = "HTTPS from the ECS tasks"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.ecs.id
}
