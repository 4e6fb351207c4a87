include "service" {
  path = "${get_repo_root()}/infra/units/service.hcl"
}

inputs = {
  # The commit SHA CI pushed (IMAGE_TAG); "latest" is refused here.
  image_tag = get_env("IMAGE_TAG", "")
}
