# A trimmed copy of the production stack's shapes: a VPC, a security group
# whose rules are separate resources, an SSM SecureString, a log group, an
# IAM role with an inline policy, and ECS services (one per app from a
# local map, and one whose desired_count autoscaling owns).
locals {
  apps = {
    web = {
      min_tasks = var.web_min_tasks
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
  tags       = { Name = "drifty" }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.1.0/24"
}

resource "aws_security_group" "app" {
  name   = "drifty-app"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "10.0.0.0/8"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
}

resource "aws_ssm_parameter" "api_key" {
  name  = "/drifty/dev/api-key"
  type  = "SecureString"
  value = var.api_key
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/drifty/dev/app"
  retention_in_days = 7
}

resource "aws_iam_role" "task" {
  name = "drifty-task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "read" {
  name = "read"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:GetParameters"]
      Resource = "*"
    }]
  })
}

resource "aws_ecs_cluster" "main" {
  name = "drifty"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "drifty-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name      = "app"
    image     = "nginx:latest"
    essential = true
  }])
}

resource "aws_ecs_service" "app" {
  for_each = local.apps

  name            = each.key
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  desired_count   = each.value.min_tasks
  network_configuration {
    subnets         = [aws_subnet.a.id]
    security_groups = [aws_security_group.app.id]
  }
  lifecycle {
    # moto 5.2.1 does not store these two (docs/emulator.md).
    ignore_changes = [health_check_grace_period_seconds, availability_zone_rebalancing]
  }
}

resource "aws_ecs_service" "scaled" {
  name            = "scaled"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  desired_count   = 1
  network_configuration {
    subnets         = [aws_subnet.a.id]
    security_groups = [aws_security_group.app.id]
  }
  lifecycle {
    ignore_changes = [desired_count, health_check_grace_period_seconds, availability_zone_rebalancing]
  }
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "vpc_tags" {
  value = aws_vpc.main.tags_all
}

output "api_key" {
  value     = aws_ssm_parameter.api_key.value
  sensitive = true
}
