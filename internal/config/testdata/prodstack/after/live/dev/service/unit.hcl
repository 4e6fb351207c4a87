include "service" {
  path = "${get_repo_root()}/infra/units/service.hcl"
}

inputs = {
  web_max_tasks           = 2
  api_max_tasks           = 2
  ecr_force_delete        = true
  alb_deletion_protection = false
}
