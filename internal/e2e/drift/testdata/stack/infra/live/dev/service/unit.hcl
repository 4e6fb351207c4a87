source = "../../../modules/service"

dependency "network" {
  path = "../network"
  mock_outputs = {
    private_subnet_ids    = ["subnet-0000000000000000c"]
    ecs_security_group_id = "sg-0000000000000000b"
  }
}

dependency "access" {
  path = "../access"
  mock_outputs = {
    task_role_arn = "arn:aws:iam::123456789012:role/mock"
  }
}

inputs = {
  private_subnet_ids    = dependency.network.outputs.private_subnet_ids
  ecs_security_group_id = dependency.network.outputs.ecs_security_group_id
  task_role_arn         = dependency.access.outputs.task_role_arn
}
