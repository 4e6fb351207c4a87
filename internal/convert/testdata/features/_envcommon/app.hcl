# The app, common to both environments.
locals {
  env_vars      = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  instance_type = local.env_vars.locals.environment == "prod" ? "m5.large" : "t3.small"
}

terraform {
  source = "${get_parent_terragrunt_dir()}/modules//app"
}

dependency "vpc" {
  config_path = "../vpc"

  # Plans before the VPC exists use these.
  mock_outputs = {
    vpc_id     = "vpc-00000000"
    subnet_ids = ["subnet-a", "subnet-b"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "apply"]
}

dependencies {
  paths = ["../monitoring"]
}

generate "versions" {
  path      = "versions.tf"
  if_exists = "skip"
  contents  = <<EOF
terraform {
  required_version = ">= 1.5"
}
EOF
}

inputs = {
  vpc_id         = dependency.vpc.outputs.vpc_id
  subnet_ids     = dependency.vpc.outputs.subnet_ids
  instance_type  = local.instance_type
  instance_count = local.env_vars.locals.instance_count
}
