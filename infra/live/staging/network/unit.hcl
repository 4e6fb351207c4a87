include "network" {
  path = "${get_repo_root()}/infra/units/network.hcl"
}
