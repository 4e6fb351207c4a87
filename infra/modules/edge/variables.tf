# --- Common variables (every stackctl module has these) ---------------------

variable "project" {
  description = "Project name; used in resource names and the Project tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.project))
    error_message = "project must be 3-32 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...); used in resource names and the Environment tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.environment))
    error_message = "environment must be 1-16 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "unit" {
  description = "Path of the stackctl unit that applies this module (e.g. \"network\"); set as the Unit tag."
  type        = string
}

variable "aws_region" {
  description = "AWS region of the environment."
  type        = string
}

variable "aws_emulator" {
  description = "True when running against a local AWS emulator (moto): skips credential validation and the metadata API, uses path-style S3. The endpoint comes from AWS_ENDPOINT_URL."
  type        = bool
  default     = false
}

# --- Inputs from the network unit -------------------------------------------

variable "dns_zone_id" {
  description = "ID of the public Route53 zone holding app_domain (and partner_api_domain). From network.dns_zone_id."
  type        = string
}

# --- Inputs from the service unit -------------------------------------------

variable "alb_dns_name" {
  description = "DNS name of the ALB: CloudFront's application origin and the partner hostname's alias target. From service.alb_dns_name."
  type        = string
}

variable "alb_zone_id" {
  description = "Route53 zone ID of the ALB, for the partner alias record. From service.alb_zone_id."
  type        = string
}

variable "task_role_names" {
  description = "Names of the services' task roles, keyed by service: each gets access to the assets bucket (and no other). From service.task_role_names."
  type        = map(string)
  default     = {}
}

variable "origin_verify_header" {
  description = "Header CloudFront sends with the origin-verify key. From service.origin_verify_header."
  type        = string
  default     = "X-Origin-Verify"
}

variable "origin_verify_key" {
  description = "The origin-verify key the ALB's listener rules require; CloudFront sends it in origin_verify_header. From service.origin_verify_key (sensitive)."
  type        = string
  sensitive   = true
}

# --- Hostnames ---------------------------------------------------------------------

variable "app_domain" {
  description = "Public hostname of the application (e.g. \"app.dev.example.com\"), inside the DNS zone: CloudFront alias and Route53 alias record. Same value as the service unit's app_domain."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.app_domain))
    error_message = "app_domain must be a lowercase DNS name."
  }
}

variable "partner_api_domain" {
  description = "Optional partner API hostname; when set, an alias record to the ALB is created. Same value as the service unit's partner_api_domain. Empty (the default): none."
  type        = string
  default     = ""

  validation {
    condition     = var.partner_api_domain == "" || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.partner_api_domain))
    error_message = "partner_api_domain must be empty or a lowercase DNS name."
  }
}

# --- Assets bucket and CloudFront ---------------------------------------------------------

variable "assets_bucket_name" {
  description = "Name of the S3 assets bucket. Empty: \"<project>-<environment>-assets-<account id>\"."
  type        = string
  default     = ""

  validation {
    condition     = var.assets_bucket_name == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.assets_bucket_name))
    error_message = "assets_bucket_name must be empty or a valid S3 bucket name."
  }
}

variable "assets_bucket_force_destroy" {
  description = "Delete the assets bucket even when it still holds objects (convenient in dev)."
  type        = bool
  default     = false
}

variable "assets_path_patterns" {
  description = "CloudFront path patterns served from the assets bucket (everything else goes to the ALB)."
  type        = list(string)
  default     = ["/assets/*"]
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100, PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "waf_common_rule_set_count_only" {
  description = "Rules of AWSManagedRulesCommonRuleSet switched from block to count (e.g. [\"SizeRestrictions_BODY\"] for large uploads)."
  type        = list(string)
  default     = []
}

variable "health_check_path" {
  description = "Path Route53 health-checks on the application's hostname (HTTPS, through CloudFront); when it fails, the hostname fails over to the maintenance page."
  type        = string
  default     = "/api/health"
}

variable "maintenance_title" {
  description = "Title of the maintenance page served while the health check fails."
  type        = string
  default     = "Down for maintenance"
}

variable "maintenance_message" {
  description = "Text of the maintenance page."
  type        = string
  default     = "We will be back shortly."
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes from one IP above which CloudFront's WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 10
    error_message = "waf_rate_limit must be at least 10 (the WAF minimum)."
  }
}

variable "waf_allowed_cidrs" {
  description = "IPv4 networks CloudFront's WAF always lets through (before the other rules). Empty: none."
  type        = list(string)
  default     = []
}

variable "waf_blocked_cidrs" {
  description = "IPv4 networks CloudFront's WAF always blocks. Empty: none."
  type        = list(string)
  default     = []
}

variable "waf_blocked_countries" {
  description = "ISO 3166 country codes CloudFront's WAF blocks (geo match). Empty: none."
  type        = list(string)
  default     = []
}
