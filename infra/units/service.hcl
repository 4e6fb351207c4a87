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

# After every deploy (stackctl verify ENV, apply --verify): what a team once
# learned in production, three times in a row. The asserts read the unit's
# outputs, which come from the resources themselves, so they run on the
# emulator too; the network checks need real DNS and certificates.

verify "issuer_follows_domain" {
  assert {
    condition = outputs.jwt_issuer == "https://${outputs.app_domain}"
    message   = "the api expects JWTs issued by \"${outputs.jwt_issuer}\", not by this environment's https://${outputs.app_domain}: every token would be refused"
  }
}

verify "partner_hostname_routed" {
  assert {
    condition = outputs.partner_api_domain == "" || contains(outputs.routed_hostnames, outputs.partner_api_domain)
    message   = "no listener rule routes ${outputs.partner_api_domain}: the load balancer answers it with its default 403 (routed: ${join(", ", outputs.routed_hostnames)})"
  }
}

verify "hostnames_covered" {
  assert {
    condition = length(setsubtract(outputs.public_hostnames, outputs.certificate_names)) == 0
    message   = "the listener's certificates do not cover ${join(", ", setsubtract(outputs.public_hostnames, outputs.certificate_names))} (they cover ${join(", ", outputs.certificate_names)})"
  }
}

# The load balancer itself, bypassing CloudFront (which adds the key). Its
# security group admits only CloudFront and the partners' networks, so these
# run where verify runs from such a network (a runner in the VPC, a partner
# CIDR): VERIFY_REACHES_ALB=true stackctl verify ENV.
locals {
  reaches_alb = get_env("VERIFY_REACHES_ALB", "false") == "true" && get_env("AWS_ENDPOINT_URL", "") == ""
}

# Without the origin-verify key the api is refused, whatever path is asked.
verify "api_refuses_without_key" {
  enabled = local.reaches_alb
  timeout = "2m"
  http {
    url        = "https://${outputs.app_domain}/api/health"
    connect_to = outputs.alb_dns_name
    status     = [403]
  }
}

verify "app_certificate_on_alb" {
  enabled = local.reaches_alb
  tls {
    host       = outputs.app_domain
    connect_to = outputs.alb_dns_name
    min_days   = 14
  }
}

verify "partner_certificate" {
  enabled = local.reaches_alb && outputs.partner_api_domain != ""
  tls {
    host     = outputs.partner_api_domain
    min_days = 14
  }
}

# Routed to the api (its health path answers without credentials), not the
# listener's default 403.
verify "partner_api_answers" {
  enabled = local.reaches_alb && outputs.partner_api_domain != ""
  timeout = "2m"
  http {
    url = "https://${outputs.partner_api_domain}/api/health"
  }
}
