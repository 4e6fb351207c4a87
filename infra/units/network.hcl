# the network unit of every environment: VPC, subnets, NAT, endpoints, security groups, the Route53 zone and the log bucket.
# Each environment's network/unit.hcl includes this file and sets only what
# differs there; env.hcl holds the environment's sizes and switches.
source = "../modules/network"
