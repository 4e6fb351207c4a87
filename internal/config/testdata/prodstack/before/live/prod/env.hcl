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
  # network
  nat_gateway_count = 2

  # database
  instance_count      = 2
  min_capacity        = 2
  max_capacity        = 16
  deletion_protection = true
  final_snapshot      = true

  # service
  partner_api_domain       = "partner-api.${local.zone}"
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
}
