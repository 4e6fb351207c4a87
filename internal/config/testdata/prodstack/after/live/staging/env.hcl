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
  # read by more than one unit: the rest is in each unit.hcl
  partner_api_domain = "partner-api.${local.zone}"
  log_retention_days = 14
}
