# The mysql component, common to every environment. Each environment's
# unit includes this file and pins the module version it runs.
locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  env              = local.environment_vars.locals.environment

  base_source_url = "git::git@github.com:acme/infrastructure-modules.git//modules/mysql"
}

inputs = {
  name              = "mysql_${local.env}"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  storage_type      = "standard"
  master_username   = "admin"
}
