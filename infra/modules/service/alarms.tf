resource "aws_sns_topic" "alarms" {
  name = "${local.name}-alarms"
}

resource "aws_sns_topic_subscription" "alarm_email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# CPU and memory alarms differ only in the metric and threshold: one
# resource per service and metric.
locals {
  utilization_alarms = merge([for app in keys(local.apps) : {
    "${app}-cpu"    = { app = app, metric = "CPUUtilization", what = "CPU", threshold = var.cpu_alarm_threshold }
    "${app}-memory" = { app = app, metric = "MemoryUtilization", what = "memory", threshold = var.memory_alarm_threshold }
  }]...)
}

resource "aws_cloudwatch_metric_alarm" "utilization" {
  for_each = local.utilization_alarms

  alarm_name          = "${local.name}-${each.key}-high"
  alarm_description   = "Average ${each.value.what} of the ${each.value.app} service above ${each.value.threshold}% for 10 minutes"
  namespace           = "AWS/ECS"
  metric_name         = each.value.metric
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  dimensions = {
    ClusterName = aws_ecs_cluster.this.name
    ServiceName = aws_ecs_service.app[each.value.app].name
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
}

# 5xx rate: responses with a 5xx from the ALB itself or from the targets,
# as a share of all requests, over 5 minutes.
resource "aws_cloudwatch_metric_alarm" "http_5xx_rate" {
  alarm_name          = "${local.name}-alb-5xx-rate"
  alarm_description   = "More than ${var.http_5xx_rate_alarm_threshold}% of the ALB's requests answered with a 5xx in 5 minutes"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.http_5xx_rate_alarm_threshold
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)"
    label       = "5xx rate (%)"
    return_data = true
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      stat        = "Sum"
      period      = 300
      dimensions  = { LoadBalancer = aws_lb.this.arn_suffix }
    }
  }

  metric_query {
    id = "elb5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      stat        = "Sum"
      period      = 300
      dimensions  = { LoadBalancer = aws_lb.this.arn_suffix }
    }
  }

  metric_query {
    id = "target5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      stat        = "Sum"
      period      = 300
      dimensions  = { LoadBalancer = aws_lb.this.arn_suffix }
    }
  }

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "database_connections" {
  alarm_name          = "${local.name}-aurora-connections-high"
  alarm_description   = "Aurora connections above ${var.database_connections_alarm_threshold} for 10 minutes"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.database_connections_alarm_threshold
  treat_missing_data  = "notBreaching"
  dimensions = {
    DBClusterIdentifier = var.database_cluster_id
  }
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
}
