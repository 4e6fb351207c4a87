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
    %{for name, region in { "" = env.region, us_east_1 = "us-east-1" } }
    provider "aws" {
      region = "${region}"%{if name != ""}
      alias  = "${name}"%{endif}%{if length(env.account_ids) > 0}
      allowed_account_ids = ${jsonencode(env.account_ids)}%{endif}

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
    %{endfor}
  EOT
}

inputs = {
  project      = project
  environment  = env.name
  unit         = unit.path
  aws_region   = env.region
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

# What diff-env may find different between environments, and why; any
# other difference makes `stackctl diff-env staging prod` exit 2 before it
# reaches prod. Each environment's zone is computed above from its
# subdomain, so the zone input stands for the environment's own domain:
# app.staging.<domain> and app.<domain> agree, a prod value that still
# names staging's zone does not.
parity {
  domain_inputs = ["dns_zone_name"]

  difference {
    inputs = [
      "nat_gateway_count", "instance_count", "min_capacity", "max_capacity",
      "*_min_tasks", "*_max_tasks", "web_cpu", "web_memory", "api_cpu", "api_memory",
      "scheduled_scaling",
    ]
    reason = "capacity: prod serves the traffic; staging and dev only prove it"
  }
  difference {
    inputs = ["log_retention_days", "log_bucket_retention_days"]
    reason = "retention: prod keeps logs for audits, the others only for debugging"
  }
  difference {
    inputs = ["deletion_protection", "final_snapshot", "alb_deletion_protection", "*force_destroy", "ecr_force_delete"]
    reason = "deletion protection: only prod's data must survive a mistake"
  }
  difference {
    units  = ["network"]
    inputs = ["vpc_cidr", "public_subnet_cidrs", "private_subnet_cidrs"]
    reason = "each environment has its own VPC range, so they never overlap when peered"
  }
  difference {
    units  = ["network"]
    inputs = ["dns_zone_mode", "dns_parent_zone_name"]
    reason = "prod owns the domain's zone; the others get sub-zones delegated from it"
  }
  difference {
    units  = ["network"]
    inputs = ["partner_api_cidrs"]
    reason = "partners call from their test networks in staging, from networks agreed per partner in prod"
  }
  difference {
    units  = ["service"]
    inputs = ["alarm_email_addresses"]
    reason = "one alerts mailbox under the team's domain serves every environment; dev pages nobody"
  }
  difference {
    envs   = ["dev"]
    inputs = ["partner_api_domain", "partner_api_cidrs", "ecr_image_tag_mutability", "image_tag"]
    reason = "dev has no partner hostname and runs mutable image tags (latest)"
  }
}
