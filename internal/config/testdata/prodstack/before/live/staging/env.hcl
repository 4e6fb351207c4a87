# staging exists to prove prod: the same shape (two NAT gateways, two
# database instances, the partner API hostname with its own certificate and
# listener rule), less capacity and no deletion protection.
locals {
  zone = "staging.bookmarks.example.com"
}

vars = {
  region = "eu-west-1"
  zone   = local.zone
  domain = "app.${local.zone}"
  cidr   = "10.20.0.0/16"
}

inputs = {
  # network
  nat_gateway_count = 2

  # database
  instance_count      = 2
  min_capacity        = 0.5
  max_capacity        = 4
  deletion_protection = false
  final_snapshot      = false

  # service
  partner_api_domain       = "partner-api.${local.zone}"
  web_min_tasks            = 1
  web_max_tasks            = 3
  api_min_tasks            = 1
  api_max_tasks            = 3
  ecr_image_tag_mutability = "IMMUTABLE"
  log_retention_days       = 14
}
