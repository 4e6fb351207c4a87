include "service" {
  path = "${get_repo_root()}/infra/units/service.hcl"
}

inputs = {
  # dev may run "latest"; CI passes the commit SHA it pushed as IMAGE_TAG.
  image_tag = get_env("IMAGE_TAG", "latest")
}
