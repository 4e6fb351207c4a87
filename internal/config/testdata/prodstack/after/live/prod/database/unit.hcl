include "database" {
  path = "${get_repo_root()}/infra/units/database.hcl"
}

inputs = {
  min_capacity        = 2
  max_capacity        = 16
  deletion_protection = true
  final_snapshot      = true
}
