include "network" {
  path = "${get_repo_root()}/infra/units/network.hcl"
}

inputs = {
  nat_gateway_count      = 1
  dns_zone_force_destroy = true
}
