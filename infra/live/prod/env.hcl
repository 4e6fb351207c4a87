# prod: more capacity, deletion protection and final snapshots, two
# database instances, and a second public hostname for the partner API.
# Its zone is the domain's own (stackctl.hcl), which must already exist.
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
  subdomain   = ""
  partner_api = true
  cidr        = "10.30.0.0/16"
}

inputs = {
  # network
  nat_gateway_count = 2
  # Partners' networks that may call partner-api.<domain> (none until agreed).
  partner_api_cidrs = []

  # database
  instance_count      = 2
  min_capacity        = 2
  max_capacity        = 16
  deletion_protection = true
  final_snapshot      = true

  # service
  web_cpu                  = 512
  web_memory               = 1024
  api_cpu                  = 512
  api_memory               = 1024
  web_min_tasks            = 2
  web_max_tasks            = 6
  api_min_tasks            = 2
  api_max_tasks            = 6
  ecr_image_tag_mutability = "IMMUTABLE"
  alb_deletion_protection  = true
  log_retention_days       = 90
  # Nights and weekends (Tokyo time): the minimum, two tasks per service.
  scheduled_scaling = {
    timezone        = "Asia/Tokyo"
    scale_down      = "cron(0 23 ? * * *)"
    scale_up        = "cron(0 7 ? * MON-FRI *)"
    night_min_tasks = 2
    night_max_tasks = 2
  }
  alarm_email_addresses = ["platform-alerts@bookmark-manager.test"]
}
