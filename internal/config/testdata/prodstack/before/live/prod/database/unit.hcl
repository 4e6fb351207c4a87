source = "../../../modules/database"

dependency "network" {
  path = "../network"
  mock_outputs = {
    private_subnet_ids         = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
    database_security_group_id = "sg-00000000000000000"
  }
}

inputs = {
  private_subnet_ids         = dependency.network.outputs.private_subnet_ids
  database_security_group_id = dependency.network.outputs.database_security_group_id
}
