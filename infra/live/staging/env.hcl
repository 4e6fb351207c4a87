# staging exists to prove prod: the same shape (two NAT gateways, two
# database instances, the partner API hostname with its own certificate,
# listener rule and regional WAF, immutable image tags), less capacity and
# no deletion protection. Its zone staging.<domain> is delegated from the
# domain's zone (stackctl.hcl).
locals {
  # The AWS accounts this environment may change; empty: any (the emulator,
  # a first try). Set them before the first apply to real AWS.
  account_ids = []
}

# stackctl refuses to write with credentials of another account; the
# generated provider block (stackctl.hcl) refuses the same.
allowed_account_ids = local.account_ids

vars = {
  account_ids = local.account_ids
  region      = "ap-northeast-1"
  subdomain   = "staging"
  partner_api = true
  cidr        = "10.20.0.0/16"
}

inputs = {
  # network
  nat_gateway_count = 2
  # Partners' test networks that may call partner-api.staging.<domain>.
  partner_api_cidrs = ["203.0.113.0/24"]

  # database
  instance_count      = 2
  min_capacity        = 0.5
  max_capacity        = 4
  deletion_protection = false
  final_snapshot      = false

  # service
  web_min_tasks            = 1
  web_max_tasks            = 3
  api_min_tasks            = 1
  api_max_tasks            = 3
  ecr_image_tag_mutability = "IMMUTABLE"
  log_retention_days       = 14
  scheduled_scaling = {
    timezone        = "Asia/Tokyo"
    scale_down      = "cron(0 21 ? * * *)"
    scale_up        = "cron(0 8 ? * MON-FRI *)"
    night_min_tasks = 1
    night_max_tasks = 1
  }
  alarm_email_addresses = ["platform-alerts@bookmark-manager.test"]
}
