include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "git::https://example.com/acme/monitoring.git?ref=v1.2.0"
}

dependency "vpc" {
  config_path  = "../vpc"
  mock_outputs = { vpc_id = "vpc-mock" }
}

exclude {
  if      = true
  actions = ["destroy"]
  no_run  = true
}

inputs = {
  alarm_email = "oncall@example.com"
  account_id  = get_aws_account_id()
  vpc_id      = dependency.vpc.outputs.vpc_id
}
