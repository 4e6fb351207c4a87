source = "../../../modules/service"

dependency "network" {
  path = "../network"
  mock_outputs = {
    vpc_id                = "vpc-00000000000000000"
    public_subnet_ids     = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
    private_subnet_ids    = ["subnet-0000000000000000c", "subnet-0000000000000000d"]
    alb_security_group_id = "sg-0000000000000000a"
    ecs_security_group_id = "sg-0000000000000000b"
    dns_zone_id           = "Z00000000000000000000"
  }
}

dependency "database" {
  path = "../database"
  mock_outputs = {
    database_url_parameter_arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/mock/DATABASE_URL"
    ssm_parameter_prefix       = "/mock"
  }
}

inputs = {
  vpc_id                     = dependency.network.outputs.vpc_id
  public_subnet_ids          = dependency.network.outputs.public_subnet_ids
  private_subnet_ids         = dependency.network.outputs.private_subnet_ids
  alb_security_group_id      = dependency.network.outputs.alb_security_group_id
  ecs_security_group_id      = dependency.network.outputs.ecs_security_group_id
  dns_zone_id                = dependency.network.outputs.dns_zone_id
  database_url_parameter_arn = dependency.database.outputs.database_url_parameter_arn
  ssm_parameter_prefix       = dependency.database.outputs.ssm_parameter_prefix
}
