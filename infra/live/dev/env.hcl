# dev: small and disposable — one NAT gateway, one database instance, and
# everything force-destroyable. Its zone dev.<domain> is delegated from the
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
  subdomain   = "dev"
  partner_api = false
  cidr        = "10.10.0.0/16"
}

inputs = {
  # network
  nat_gateway_count         = 1
  dns_zone_force_destroy    = true
  log_bucket_force_destroy  = true
  log_bucket_retention_days = 31

  # database
  instance_count              = 1
  min_capacity                = 0.5
  max_capacity                = 2
  deletion_protection         = false
  final_snapshot              = false
  backup_bucket_force_destroy = true

  # service
  web_min_tasks           = 1
  web_max_tasks           = 2
  api_min_tasks           = 1
  api_max_tasks           = 2
  ecr_force_delete        = true
  alb_deletion_protection = false
  log_retention_days      = 7
  # Nights and weekends (Tokyo time): nothing runs.
  scheduled_scaling = {
    timezone        = "Asia/Tokyo"
    scale_down      = "cron(0 20 ? * * *)"
    scale_up        = "cron(0 8 ? * MON-FRI *)"
    night_min_tasks = 0
    night_max_tasks = 0
  }

  # edge
  assets_bucket_force_destroy = true
}
