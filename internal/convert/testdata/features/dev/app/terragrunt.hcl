include "root" {
  path   = find_in_parent_folders()
  expose = true
}

include "envcommon" {
  path           = "${dirname(find_in_parent_folders())}/_envcommon/app.hcl"
  expose         = true
  merge_strategy = "deep"
}

locals {
  build = run_cmd("git", "rev-parse", "--short", "HEAD")
  image = "app:${include.envcommon.locals.instance_type}"
}

inputs = {
  # dev runs one small instance
  instance_count = 1
  name           = "${include.root.locals.name_prefix}-app"
  image          = local.image
  build          = local.build
  config_dir     = "${get_terragrunt_dir()}/config"
  stage          = include.envcommon.locals.env_vars.locals.environment
}
