# The database unit of every environment; each env's database/unit.hcl includes this
# file and sets only what differs there.
source = "../modules/database"

dependency "network" {
  path = "../network"
  mock_outputs = {
    private_subnet_ids         = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
    database_security_group_id = "sg-00000000000000000"
  }
}

inputs = {
  instance_count      = 2
  min_capacity        = 0.5
  deletion_protection = false
  final_snapshot      = false

  private_subnet_ids         = dependency.network.outputs.private_subnet_ids
  database_security_group_id = dependency.network.outputs.database_security_group_id
}
