# the service unit of every environment: ECS Fargate web and api behind the ALB.
# Each environment's service/unit.hcl includes this file and sets only what
# differs there; env.hcl holds the environment's sizes and switches.
source = "../modules/service"

dependency "network" {
  path = "../network"
  mock_outputs = {
    vpc_id                = "vpc-00000000000000000"
    public_subnet_ids     = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
    private_subnet_ids    = ["subnet-0000000000000000c", "subnet-0000000000000000d"]
    alb_security_group_id = "sg-0000000000000000a"
    ecs_security_group_id = "sg-0000000000000000b"
    dns_zone_id           = "Z00000000000000000000"
    log_bucket_name       = "mock-logs"
  }
}

dependency "database" {
  path = "../database"
  mock_outputs = {
    database_url_parameter_arn = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/mock/DATABASE_URL"
    ssm_parameter_prefix       = "/mock"
    cluster_id                 = "mock-cluster"
  }
}

inputs = {
  vpc_id                     = dependency.network.outputs.vpc_id
  public_subnet_ids          = dependency.network.outputs.public_subnet_ids
  private_subnet_ids         = dependency.network.outputs.private_subnet_ids
  alb_security_group_id      = dependency.network.outputs.alb_security_group_id
  ecs_security_group_id      = dependency.network.outputs.ecs_security_group_id
  dns_zone_id                = dependency.network.outputs.dns_zone_id
  log_bucket_name            = dependency.network.outputs.log_bucket_name
  database_url_parameter_arn = dependency.database.outputs.database_url_parameter_arn
  ssm_parameter_prefix       = dependency.database.outputs.ssm_parameter_prefix
  database_cluster_id        = dependency.database.outputs.cluster_id

  # The external services' secrets: put into SSM once by the team (README,
  # "Before the first apply"), never in the repository.
  external_secrets = {
    mongodb_uri     = ssm_parameter("/${project}/${env.name}/inputs/MONGODB_URI")
    datadog_api_key = ssm_parameter("/${project}/${env.name}/inputs/DATADOG_API_KEY")
    web_sentry_dsn  = ssm_parameter("/${project}/${env.name}/inputs/WEB_SENTRY_DSN")
    api_sentry_dsn  = ssm_parameter("/${project}/${env.name}/inputs/API_SENTRY_DSN")
  }
}
