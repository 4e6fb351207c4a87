include "database" {
  path = "${get_repo_root()}/infra/units/database.hcl"
}

inputs = {
  max_capacity = 4
}
