include "edge" {
  path = "${get_repo_root()}/infra/units/edge.hcl"
}
