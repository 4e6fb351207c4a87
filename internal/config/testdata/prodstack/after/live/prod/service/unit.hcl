include "service" {
  path = "${get_repo_root()}/infra/units/service.hcl"
}

inputs = {
  web_cpu                  = 512
  web_memory               = 1024
  api_cpu                  = 512
  api_memory               = 1024
  web_min_tasks            = 2
  web_max_tasks            = 6
  api_min_tasks            = 2
  api_max_tasks            = 6
  ecr_image_tag_mutability = "IMMUTABLE"
  alb_deletion_protection  = true
}
