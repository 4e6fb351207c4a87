# The bookmark-manager production stack: four units per environment,
# network → database → service → edge. See README.md and docs/architecture.md.
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

locals {
  # The team's domain: set it before the first apply (README, "Before the
  # first apply"). Its public Route53 zone must exist in the account: prod
  # uses it as is, dev and staging get sub-zones delegated from it. The
  # placeholder is a name Route53 accepts (example.com and friends it
  # refuses as reserved) and that resolves nowhere (.test, RFC 6761).
  domain = "bookmark-manager.test"

  # Each environment's zone: the domain itself where env.hcl gives no
  # subdomain (prod), else <subdomain>.<domain>.
  zone = env.subdomain == "" ? local.domain : "${env.subdomain}.${local.domain}"

  # Pointing AWS_ENDPOINT_URL at an emulator (make demo, the tests) turns on
  # the provider settings an emulator needs; on AWS it is unset.
  emulator = get_env("AWS_ENDPOINT_URL", "") != ""
}

# One provider configuration for every unit, written into each unit's working
# folder (the modules declare only which provider they need): the region,
# the emulator switches, the tags every resource carries, and the accounts
# an environment may touch. The us_east_1 alias serves CloudFront-scope
# resources (the WAF web ACL, the viewer certificate).
generate "provider" {
  path     = "provider.tf"
  contents = <<-EOT
    %{ for name, region in { "" = env.region, us_east_1 = "us-east-1" } }
    provider "aws" {
      region = "${region}"%{ if name != "" }
      alias  = "${name}"%{ endif }%{ if length(env.account_ids) > 0 }
      allowed_account_ids = ${jsonencode(env.account_ids)}%{ endif }

      # Emulator settings; the endpoint itself comes from AWS_ENDPOINT_URL.
      skip_credentials_validation = ${local.emulator}
      skip_metadata_api_check     = ${local.emulator}
      s3_use_path_style           = ${local.emulator}

      default_tags {
        tags = {
          Project     = "${project}"
          Environment = "${env.name}"
          ManagedBy   = "stackctl"
          Unit        = "${unit.path}"
        }
      }
    }
    %{ endfor }
  EOT
}

inputs = {
  project     = project
  environment = env.name
  unit        = unit.path
  aws_region  = env.region
  aws_emulator = local.emulator

  # One layout for every environment; env.hcl gives the subdomain, whether
  # it has a partner API hostname, and the VPC's CIDR block.
  dns_zone_name        = local.zone
  dns_zone_mode        = env.subdomain == "" ? "existing" : "delegated"
  dns_parent_zone_name = env.subdomain == "" ? "" : local.domain
  app_domain           = "app.${local.zone}"
  partner_api_domain   = env.partner_api ? "partner-api.${local.zone}" : ""
  vpc_cidr             = env.cidr
  public_subnet_cidrs  = [cidrsubnet(env.cidr, 8, 0), cidrsubnet(env.cidr, 8, 1)]
  private_subnet_cidrs = [cidrsubnet(env.cidr, 8, 10), cidrsubnet(env.cidr, 8, 11)]
}
