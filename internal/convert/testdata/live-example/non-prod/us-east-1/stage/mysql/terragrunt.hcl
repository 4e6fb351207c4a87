include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/mysql.hcl"
  expose = true
}

# This environment runs v0.7.0 of the module.
terraform {
  source = "${include.envcommon.locals.base_source_url}?ref=v0.7.0"
}
