locals {
  environment    = "prod"
  aws_region     = "eu-west-1"
  instance_count = 3
  owner          = get_env("TEAM", "platform")
  pager          = "pagerduty"
}
