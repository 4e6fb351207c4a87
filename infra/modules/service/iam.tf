# One execution role per service (pulls images, writes logs, resolves the
# container secrets) that may read exactly that service's secrets, and one
# task role per service (what the application itself may do): its own SSM
# path, ECS exec, and — attached by the edge unit — the assets bucket.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "execution_secrets" {
  for_each = local.apps

  statement {
    sid       = "ReadThisServicesSecrets"
    actions   = ["ssm:GetParameters"]
    resources = sort(values(each.value.secrets))
  }

  statement {
    sid       = "DecryptSecureStringsThroughSsm"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.${var.aws_region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  for_each = local.apps

  name               = "${local.name}-${each.key}-execution"
  description        = "ECS task execution role of the ${each.key} service of ${local.name}"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution_managed" {
  for_each = local.apps

  role       = aws_iam_role.execution[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "execution_secrets" {
  for_each = local.apps

  name   = "read-${each.key}-secrets"
  role   = aws_iam_role.execution[each.key].id
  policy = data.aws_iam_policy_document.execution_secrets[each.key].json
}

data "aws_iam_policy_document" "task" {
  for_each = local.apps

  statement {
    sid     = "ReadOwnParameters"
    actions = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    resources = [
      "arn:${local.partition}:ssm:${var.aws_region}:${local.account_id}:parameter${local.ssm_prefix}/${each.key}",
      "arn:${local.partition}:ssm:${var.aws_region}:${local.account_id}:parameter${local.ssm_prefix}/${each.key}/*",
    ]
  }

  statement {
    sid = "EcsExecThroughSessionManager"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "task" {
  for_each = local.apps

  name               = "${local.name}-${each.key}-task"
  description        = "Task role of the ${each.key} service of ${local.name}"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task" {
  for_each = local.apps

  name   = "${each.key}-task"
  role   = aws_iam_role.task[each.key].id
  policy = data.aws_iam_policy_document.task[each.key].json
}
