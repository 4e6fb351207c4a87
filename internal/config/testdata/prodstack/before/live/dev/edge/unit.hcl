source = "../../../modules/edge"

dependency "network" {
  path         = "../network"
  mock_outputs = { dns_zone_id = "Z00000000000000000000" }
}

dependency "service" {
  path = "../service"
  mock_outputs = {
    alb_dns_name = "mock-alb-0000000000.eu-west-1.elb.amazonaws.com"
    alb_zone_id  = "Z32O12XQLNTSW2"
  }
}

inputs = {
  dns_zone_id  = dependency.network.outputs.dns_zone_id
  alb_dns_name = dependency.service.outputs.alb_dns_name
  alb_zone_id  = dependency.service.outputs.alb_zone_id
}
