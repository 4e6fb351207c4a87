# The bookmark-manager production stack: four units per environment,
# network → database → service → edge. See README.md and docs/configuration.md.
project  = "bookmark-manager"
live_dir = "infra/live"

terraform {
  version = "~> 1.11"
}

providers {
  # Air-gapped provider installs: hashicorp/aws comes from this filesystem
  # mirror only (terraform never reaches for the registry).
  mirror = get_env("STACKCTL_PROVIDER_MIRROR", "/opt/tf-plugins")
}

remote_state {
  backend = "s3"
  config = {
    bucket       = "${project}-tfstate-${env.name}"
    key          = "${unit.path}/terraform.tfstate"
    region       = env.region
    encrypt      = true
    use_lockfile = true
  }
}

inputs = {
  project     = project
  environment = env.name
  unit        = unit.path
  aws_region  = env.region
  # Pointing AWS_ENDPOINT_URL at an emulator (make demo, the tests) turns on
  # the provider settings an emulator needs; on AWS it is unset.
  aws_emulator = get_env("AWS_ENDPOINT_URL", "") != ""

  # One layout for every environment; env.hcl gives the zone, the
  # application hostname and the VPC's CIDR block.
  dns_zone_name        = env.zone
  app_domain           = env.domain
  vpc_cidr             = env.cidr
  public_subnet_cidrs  = [cidrsubnet(env.cidr, 8, 0), cidrsubnet(env.cidr, 8, 1)]
  private_subnet_cidrs = [cidrsubnet(env.cidr, 8, 10), cidrsubnet(env.cidr, 8, 11)]
}
