# The root configuration, the older way: a terragrunt.hcl at the top that
# units find with find_in_parent_folders().
locals {
  common   = read_terragrunt_config(find_in_parent_folders("common.hcl"))
  env_vars = read_terragrunt_config(find_in_parent_folders("env.hcl"))

  region      = local.env_vars.locals.aws_region
  name_prefix = "${local.common.locals.org}-${local.env_vars.locals.environment}"
}

terraform_version_constraint  = ">= 1.5.0"
terragrunt_version_constraint = ">= 0.60"
iam_role                      = "arn:aws:iam::${local.common.locals.account_ids[local.env_vars.locals.environment]}:role/terraform"
iam_assume_role_duration      = 7200

retryable_errors         = ["(?s).*RequestError: send request failed.*"]
retry_max_attempts       = 5
retry_sleep_interval_sec = 10

terraform {
  extra_arguments "retry_lock" {
    commands  = get_terraform_commands_that_need_locking()
    arguments = ["-lock-timeout=20m"]
  }

  # Lint before anything reaches the cloud.
  before_hook "tflint" {
    commands = ["plan", "apply", "terragrunt-read-config"]
    execute  = ["tflint", "--minimum-failure-severity=error"]
  }

  after_hook "notify" {
    commands     = ["apply"]
    execute      = ["sh", "-c", "echo applied ${path_relative_to_include()}"]
    run_on_error = true
  }
}

remote_state {
  backend = "s3"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    bucket         = "${local.name_prefix}-tfstate"
    key            = "${path_relative_to_include()}/terraform.tfstate"
    region         = local.region
    encrypt        = true
    use_lockfile   = true
    s3_bucket_tags = local.common.locals.tags
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    provider "aws" {
      region = "${local.region}"
      default_tags {
        tags = ${jsonencode(local.common.locals.tags)}
      }
    }
    # $${var.x} stays a Terraform interpolation.
  EOT
}

inputs = merge(
  local.env_vars.locals,
  {
    name_prefix = local.name_prefix
    tags        = local.common.locals.tags
  },
)
