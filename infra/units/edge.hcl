# the edge unit of every environment: CloudFront, WAF, the assets bucket and DNS records.
# Each environment's edge/unit.hcl includes this file and sets only what
# differs there; env.hcl holds the environment's sizes and switches.
source = "../modules/edge"

dependency "network" {
  path         = "../network"
  mock_outputs = { dns_zone_id = "Z00000000000000000000" }
}

dependency "service" {
  path = "../service"
  mock_outputs = {
    alb_dns_name                     = "mock-alb-0000000000.ap-northeast-1.elb.amazonaws.com"
    alb_zone_id                      = "Z14GRHDCWA56QT"
    task_role_names                  = { web = "mock-web-task", api = "mock-api-task" }
    origin_verify_header             = "X-Origin-Verify"
    origin_verify_key                = "mock-origin-verify-key"
  }
}

inputs = {
  dns_zone_id                      = dependency.network.outputs.dns_zone_id
  alb_dns_name                     = dependency.service.outputs.alb_dns_name
  alb_zone_id                      = dependency.service.outputs.alb_zone_id
  task_role_names                  = dependency.service.outputs.task_role_names
  origin_verify_header             = dependency.service.outputs.origin_verify_header
  origin_verify_key                = dependency.service.outputs.origin_verify_key
}

# The application answers through CloudFront, under the environment's own
# hostname (real DNS and certificates: not on the emulator).
verify "app_answers" {
  enabled = !inputs.aws_emulator
  timeout = "5m"
  http {
    url    = "https://${inputs.app_domain}/"
    status = "2xx"
  }
}

verify "app_certificate" {
  enabled = !inputs.aws_emulator
  tls {
    host     = inputs.app_domain
    min_days = 14
  }
}

verify "api_answers_through_cloudfront" {
  enabled = !inputs.aws_emulator
  timeout = "5m"
  http {
    url = "https://${inputs.app_domain}/api/health"
  }
}
