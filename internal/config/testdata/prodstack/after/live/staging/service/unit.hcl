include "service" {
  path = "${get_repo_root()}/infra/units/service.hcl"
}

inputs = {
  web_max_tasks            = 3
  api_max_tasks            = 3
  ecr_image_tag_mutability = "IMMUTABLE"
}
