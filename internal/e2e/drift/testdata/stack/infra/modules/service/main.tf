# Trimmed from infra/modules/service: one ECS service from the same map of
# apps, its cluster, task definition and log group.
locals {
  name = "${var.project}-${var.environment}"

  apps = {
    web = {
      port      = 3000
      min_tasks = var.web_min_tasks
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = local.name
}

resource "aws_cloudwatch_log_group" "app" {
  for_each = local.apps

  name              = "/ecs/${local.name}/${each.key}"
  retention_in_days = var.log_retention_days
}

resource "aws_ecs_task_definition" "app" {
  for_each = local.apps

  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  task_role_arn            = var.task_role_arn

  container_definitions = jsonencode([{
    name      = each.key
    image     = "nginx:latest"
    essential = true
    portMappings = [{
      containerPort = each.value.port
      hostPort      = each.value.port
      protocol      = "tcp"
    }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app[each.key].name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = each.key
      }
    }
  }])
}

resource "aws_ecs_service" "app" {
  for_each = local.apps

  name            = each.key
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.app[each.key].arn
  launch_type     = "FARGATE"
  desired_count   = each.value.min_tasks

  wait_for_steady_state = false

  # Always set (Fargate needs it; without it the provider panics on moto's answer).
  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [var.ecs_security_group_id]
    assign_public_ip = false
  }

  lifecycle {
    # moto 5.2.1 gap: these two are not stored (docs/emulator.md).
    ignore_changes = [health_check_grace_period_seconds, availability_zone_rebalancing]
  }
}

output "cluster_name" {
  value = aws_ecs_cluster.this.name
}
