# prod: more capacity, deletion protection and final snapshots, two
# database instances, and a second public hostname for the partner API.
locals {
  zone = "bookmarks.example.com"
}

vars = {
  region = "eu-west-1"
  zone   = local.zone
  domain = "app.${local.zone}"
  cidr   = "10.30.0.0/16"
}

inputs = {
  # read by more than one unit: the rest is in each unit.hcl
  partner_api_domain = "partner-api.${local.zone}"
  log_retention_days = 90
}
