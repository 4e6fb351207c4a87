# the database unit of every environment: Aurora PostgreSQL Serverless v2 and its SSM SecureStrings.
# Each environment's database/unit.hcl includes this file and sets only what
# differs there; env.hcl holds the environment's sizes and switches.
source = "../modules/database"

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
