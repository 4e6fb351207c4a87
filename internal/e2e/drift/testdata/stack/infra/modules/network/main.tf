# Trimmed from infra/modules/network: the VPC, one private subnet and the
# ECS tasks' security group, whose rules are resources of their own.
locals {
  name = "${var.project}-${var.environment}"
}

resource "aws_vpc" "this" {
  cidr_block = var.vpc_cidr

  tags = { Name = local.name }
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.vpc_cidr, 8, 10)

  tags = { Name = "${local.name}-private", Tier = "private" }
}

resource "aws_security_group" "ecs" {
  name        = "${local.name}-ecs"
  description = "ECS tasks: application ports from the VPC only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${local.name}-ecs" }
}

resource "aws_vpc_security_group_ingress_rule" "ecs_app" {
  security_group_id = aws_security_group.ecs.id
  description       = "Application port from the VPC"
  ip_protocol       = "tcp"
  from_port         = 3000
  to_port           = 3000
  cidr_ipv4         = var.vpc_cidr
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "private_subnet_ids" {
  value = [aws_subnet.private.id]
}

output "ecs_security_group_id" {
  value = aws_security_group.ecs.id
}
