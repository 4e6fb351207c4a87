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
  # read by more than one unit: the rest is in each unit.hcl
  partner_api_domain = ""
  log_retention_days = 7
}
