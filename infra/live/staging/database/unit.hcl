include "database" {
  path = "${get_repo_root()}/infra/units/database.hcl"
}
