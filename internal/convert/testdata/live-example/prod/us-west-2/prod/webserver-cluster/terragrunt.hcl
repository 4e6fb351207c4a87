include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/webserver-cluster.hcl"
  expose = true
}

inputs = {
  instance_type = "t3.medium"
  min_size      = 3
  max_size      = 3
}
