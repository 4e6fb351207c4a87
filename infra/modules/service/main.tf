data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  ssm_prefix = var.ssm_parameter_prefix != "" ? var.ssm_parameter_prefix : "/${var.project}/${var.environment}"

  # The two services. Everything per service is generated from this map.
  # secrets: container variable => SSM parameter ARN. Each service's
  # execution role may read exactly its own (iam.tf): web never sees the
  # database, and no role reads the master password.
  apps = {
    web = {
      port              = 3000
      cpu               = var.web_cpu
      memory            = var.web_memory
      image_tag         = var.web_image_tag != "" ? var.web_image_tag : var.image_tag
      min_tasks         = var.web_min_tasks
      max_tasks         = var.web_max_tasks
      health_check_path = var.web_health_check_path
      environment = merge({
        NODE_ENV     = "production"
        PORT         = "3000"
        HOSTNAME     = "0.0.0.0"
        API_BASE_URL = "https://${var.app_domain}/api"
        DD_ENV       = var.environment
        DD_SERVICE   = "${var.project}-web"
      }, var.web_environment)
      secrets = {
        DATADOG_API_KEY = aws_ssm_parameter.external["datadog_api_key"].arn
        SENTRY_DSN      = aws_ssm_parameter.external["web_sentry_dsn"].arn
      }
    }
    api = {
      port              = 3001
      cpu               = var.api_cpu
      memory            = var.api_memory
      image_tag         = var.api_image_tag != "" ? var.api_image_tag : var.image_tag
      min_tasks         = var.api_min_tasks
      max_tasks         = var.api_max_tasks
      health_check_path = var.api_health_check_path
      environment = merge({
        NODE_ENV   = "production"
        PORT       = "3001"
        JWT_ISSUER = "https://${var.app_domain}"
        DD_ENV     = var.environment
        DD_SERVICE = "${var.project}-api"
      }, var.api_environment)
      secrets = {
        DATABASE_URL    = var.database_url_parameter_arn
        MONGODB_URI     = aws_ssm_parameter.external["mongodb_uri"].arn
        DATADOG_API_KEY = aws_ssm_parameter.external["datadog_api_key"].arn
        SENTRY_DSN      = aws_ssm_parameter.external["api_sentry_dsn"].arn
        JWT_SIGNING_KEY = aws_ssm_parameter.jwt_signing_key.arn
        # The key CloudFront sends as the origin-verify header: the api can
        # check it too, behind the ALB's own check.
        GATEWAY_KEY = aws_ssm_parameter.origin_verify_key.arn
      }
    }
  }

  # Resource names limited to 32 characters (ALB, target groups).
  short = { for k in concat(["alb"], keys(local.apps)) : k => trim(substr("${local.name}-${k}", 0, 32), "-") }
}

# --- ECR ----------------------------------------------------------------------------

resource "aws_ecr_repository" "app" {
  for_each = local.apps

  name                 = "${var.project}/${var.environment}/${each.key}"
  image_tag_mutability = var.ecr_image_tag_mutability
  force_delete         = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "app" {
  for_each = local.apps

  repository = aws_ecr_repository.app[each.key].name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the ${var.ecr_keep_images} most recent images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_keep_images
      }
      action = { type = "expire" }
    }]
  })
}

# --- ECS cluster and logs ------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }
}

resource "aws_cloudwatch_log_group" "app" {
  for_each = local.apps

  name              = "/ecs/${local.name}/${each.key}"
  retention_in_days = var.log_retention_days
}

# --- Task definitions and services --------------------------------------------------------

resource "aws_ecs_task_definition" "app" {
  for_each = local.apps

  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(each.value.cpu)
  memory                   = tostring(each.value.memory)
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([{
    name      = each.key
    image     = "${aws_ecr_repository.app[each.key].repository_url}:${each.value.image_tag}"
    essential = true
    portMappings = [{
      containerPort = each.value.port
      hostPort      = each.value.port
      protocol      = "tcp"
    }]
    environment = [for k in sort(keys(each.value.environment)) : { name = k, value = each.value.environment[k] }]
    secrets     = [for k in sort(keys(each.value.secrets)) : { name = k, valueFrom = each.value.secrets[k] }]
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

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60

  # Shell access through SSM Session Manager (aws ecs execute-command); the
  # task role has the ssmmessages permissions it needs.
  enable_execute_command = true

  # Not an emulator switch: on AWS too the first apply creates empty ECR
  # repositories, so no task could start before the first image push; the
  # circuit breaker watches deployments instead. (moto never starts tasks.)
  wait_for_steady_state = false

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Always set (Fargate needs it; without it the provider panics on moto's answer).
  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [var.ecs_security_group_id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app[each.key].arn
    container_name   = each.key
    container_port   = each.value.port
  }

  lifecycle {
    ignore_changes = [
      # Owned by the autoscaling target once the service exists.
      desired_count,
      # moto 5.2.1 gap: these two are not stored and come back empty, a
      # perpetual diff (docs/emulator.md).
      health_check_grace_period_seconds,
      availability_zone_rebalancing,
    ]
  }

  # A target group must be attached to the load balancer (through a listener
  # rule) before a service can use it.
  depends_on = [aws_lb_listener_rule.app_api, aws_lb_listener_rule.app_web]
}
