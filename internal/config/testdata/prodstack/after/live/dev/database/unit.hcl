include "database" {
  path = "${get_repo_root()}/infra/units/database.hcl"
}

inputs = {
  instance_count = 1
  max_capacity   = 2
}
