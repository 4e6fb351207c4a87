# The network unit of every environment; each env's network/unit.hcl includes this
# file and sets only what differs there.
source = "../modules/network"

inputs = {
  nat_gateway_count = 2
}
