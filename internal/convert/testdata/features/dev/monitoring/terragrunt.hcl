include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "tfr:///terraform-aws-modules/cloudwatch/aws?version=4.3.0"
}

skip = true

dependency "prod_vpc" {
  config_path = "../../prod/vpc"
}

inputs = {
  alarm_email = get_env("ALERT_EMAIL", "ops@example.com")
  vpc_id      = dependency.prod_vpc.outputs.vpc_id
}
