include "edge" {
  path = "${get_repo_root()}/infra/units/edge.hcl"
}

inputs = {
  assets_bucket_force_destroy = true
}
