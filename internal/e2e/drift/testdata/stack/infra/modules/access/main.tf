# Trimmed from infra/modules/service/iam.tf: the web task's role, in a unit
# of its own so that a policy attached to it by hand blocks its destroy
# and nothing else.
resource "aws_iam_role" "task" {
  name        = "${var.project}-${var.environment}-web-task"
  description = "ECS task role of ${var.project}-${var.environment} web"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

output "task_role_arn" {
  value = aws_iam_role.task.arn
}

output "task_role_name" {
  value = aws_iam_role.task.name
}
