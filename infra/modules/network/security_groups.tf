# Security groups carry no inline rules: every rule is its own resource so that
# drift detection reports changes rule by rule and attribute by attribute.

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Application load balancer: HTTP and HTTPS from anywhere"
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

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere (redirected to HTTPS)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
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

resource "aws_vpc_security_group_egress_rule" "ecs_all" {
  security_group_id = aws_security_group.ecs.id
  description       = "Outbound (images, AWS APIs, database, internet through NAT)"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
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
