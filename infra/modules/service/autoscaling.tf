# --- Autoscaling: CPU 70 % out, 30 % in, and a night and weekend schedule ---------------
# Target tracking adds tasks above cpu_target_utilization; its own scale-in
# (just under the target) is off, so that tasks are removed only below
# scale_in_cpu_utilization, one at a time, by a step policy on an alarm.

resource "aws_appautoscaling_target" "app" {
  for_each = local.apps

  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.app[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.min_tasks
  max_capacity       = each.value.max_tasks
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each = local.apps

  name               = "${local.name}-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.app[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.app[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.app[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_utilization
    disable_scale_in   = true
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "scale_in" {
  for_each = local.apps

  name               = "${local.name}-${each.key}-scale-in"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.app[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.app[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.app[each.key].scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 300
    metric_aggregation_type = "Average"

    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = -1
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "cpu_low" {
  for_each = local.apps

  alarm_name          = "${local.name}-${each.key}-cpu-low"
  alarm_description   = "Average CPU of the ${each.key} service below ${var.scale_in_cpu_utilization}% for 15 minutes: remove a task"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = var.scale_in_cpu_utilization
  treat_missing_data  = "notBreaching"
  dimensions = {
    ClusterName = aws_ecs_cluster.this.name
    ServiceName = aws_ecs_service.app[each.key].name
  }
  alarm_actions = [aws_appautoscaling_policy.scale_in[each.key].arn]
}

locals {
  schedule = var.scheduled_scaling == null ? {} : merge([for app, a in local.apps : {
    "${app}-night" = { app = app, when = var.scheduled_scaling.scale_down, min = var.scheduled_scaling.night_min_tasks, max = var.scheduled_scaling.night_max_tasks }
    "${app}-day"   = { app = app, when = var.scheduled_scaling.scale_up, min = a.min_tasks, max = a.max_tasks }
  }]...)
}

resource "aws_appautoscaling_scheduled_action" "app" {
  for_each = local.schedule

  name               = "${local.name}-${each.key}"
  service_namespace  = aws_appautoscaling_target.app[each.value.app].service_namespace
  resource_id        = aws_appautoscaling_target.app[each.value.app].resource_id
  scalable_dimension = aws_appautoscaling_target.app[each.value.app].scalable_dimension
  schedule           = each.value.when
  timezone           = var.scheduled_scaling.timezone

  scalable_target_action {
    min_capacity = each.value.min
    max_capacity = each.value.max
  }
}
