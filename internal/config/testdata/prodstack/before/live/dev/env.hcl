# dev: small and disposable — one NAT gateway, one database instance, and
# everything force-destroyable.
locals {
  zone = "dev.bookmarks.example.com"
}

vars = {
  region = "eu-west-1"
  zone   = local.zone
  domain = "app.${local.zone}"
  cidr   = "10.10.0.0/16"
}

inputs = {
  # network
  nat_gateway_count      = 1
  dns_zone_force_destroy = true

  # database
  instance_count      = 1
  min_capacity        = 0.5
  max_capacity        = 2
  deletion_protection = false
  final_snapshot      = false

  # service
  partner_api_domain      = ""
  web_min_tasks           = 1
  web_max_tasks           = 2
  api_min_tasks           = 1
  api_max_tasks           = 2
  ecr_force_delete        = true
  alb_deletion_protection = false
  log_retention_days      = 7

  # edge
  assets_bucket_force_destroy = true
}
