# The webserver cluster, common to every environment. Environments that do
# not pin a version of their own run v0.7.0.
terraform {
  source = "${local.base_source_url}?ref=v0.7.0"
}

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  env              = local.environment_vars.locals.environment

  base_source_url = "git::git@github.com:acme/infrastructure-modules.git//modules/asg-alb-service"
}

dependency "mysql" {
  config_path = "../mysql"

  mock_outputs = {
    endpoint = "mysql.example.internal:3306"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

inputs = {
  name          = "webserver-example-${local.env}"
  instance_type = "t3.micro"
  min_size      = 2
  max_size      = 2
  server_port   = 8080
  alb_port      = 80
  db_endpoint   = dependency.mysql.outputs.endpoint
}
