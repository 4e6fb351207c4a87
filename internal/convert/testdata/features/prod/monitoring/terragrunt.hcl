include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "git::https://example.com/acme/monitoring.git?ref=v1.2.0"
}

exclude {
  if      = true
  actions = ["destroy"]
  no_run  = true
}

inputs = {
  alarm_email = "oncall@example.com"
  account_id  = get_aws_account_id()
}
