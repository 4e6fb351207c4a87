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

# --- Network ----------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a valid IPv4 CIDR block."
  }
}

variable "availability_zones" {
  description = "Exactly two availability zones to spread subnets over. Empty: the first two available zones of the region."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.availability_zones) == 0 || length(var.availability_zones) == 2
    error_message = "availability_zones must be empty or list exactly two zones."
  }
}

variable "public_subnet_cidrs" {
  description = "CIDR blocks of the two public subnets (one per availability zone), inside vpc_cidr."
  type        = list(string)
  default     = ["10.0.0.0/24", "10.0.1.0/24"]

  validation {
    condition     = length(var.public_subnet_cidrs) == 2 && alltrue([for c in var.public_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "public_subnet_cidrs must list exactly two valid IPv4 CIDR blocks."
  }
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the two private subnets (one per availability zone), inside vpc_cidr."
  type        = list(string)
  default     = ["10.0.10.0/24", "10.0.11.0/24"]

  validation {
    condition     = length(var.private_subnet_cidrs) == 2 && alltrue([for c in var.private_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_subnet_cidrs must list exactly two valid IPv4 CIDR blocks."
  }
}

variable "nat_gateway_count" {
  description = "Number of NAT gateways: 1 (one shared NAT, cheaper; dev) or 2 (one per availability zone, highly available; prod)."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2], var.nat_gateway_count)
    error_message = "nat_gateway_count must be 1 or 2."
  }
}

variable "dns_zone_name" {
  description = "Name of the environment's public Route53 hosted zone (e.g. \"dev.example.org\"). The application and partner hostnames must be inside it: their ACM certificates are DNS-validated in this zone."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.dns_zone_name))
    error_message = "dns_zone_name must be a lowercase DNS name without a trailing dot."
  }
}

variable "dns_zone_mode" {
  description = "\"existing\": dns_zone_name is an existing public zone of this account, looked up and left alone (prod: the domain's own zone). \"delegated\": a sub-zone is created and its NS records are written into dns_parent_zone_name (dev, staging)."
  type        = string
  default     = "delegated"

  validation {
    condition     = contains(["existing", "delegated"], var.dns_zone_mode)
    error_message = "dns_zone_mode must be \"existing\" or \"delegated\"."
  }
}

variable "dns_parent_zone_name" {
  description = "With dns_zone_mode = \"delegated\": the existing public zone of this account that delegates dns_zone_name (its parent, e.g. \"example.org\")."
  type        = string
  default     = ""

  validation {
    condition     = var.dns_parent_zone_name == "" || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.dns_parent_zone_name))
    error_message = "dns_parent_zone_name must be empty or a lowercase DNS name without a trailing dot."
  }

  validation {
    condition     = var.dns_zone_mode != "delegated" || endswith(var.dns_zone_name, ".${var.dns_parent_zone_name}")
    error_message = "With dns_zone_mode = \"delegated\", dns_parent_zone_name must be set and be the parent of dns_zone_name."
  }
}

variable "dns_zone_force_destroy" {
  description = "Delete all records of a delegated zone when it is destroyed (convenient in dev; keep false in prod)."
  type        = bool
  default     = false
}

variable "partner_api_cidrs" {
  description = "IPv4 networks the partner API hostname may be reached from, directly on the ALB (HTTPS). Empty (the default): none; the application is reachable through CloudFront only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.partner_api_cidrs : can(cidrhost(c, 0))])
    error_message = "partner_api_cidrs must be IPv4 CIDR blocks."
  }
}

variable "mongodb_cidrs" {
  description = "IPv4 networks of MongoDB Atlas (port 27017) the ECS tasks may reach. Empty: none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.mongodb_cidrs : can(cidrhost(c, 0))])
    error_message = "mongodb_cidrs must be IPv4 CIDR blocks."
  }
}

variable "log_bucket_retention_days" {
  description = "Days ALB access logs and VPC flow logs are kept in the log bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.log_bucket_retention_days >= 31
    error_message = "log_bucket_retention_days must be at least 31 (logs move to STANDARD_IA after 30 days)."
  }
}

variable "log_bucket_force_destroy" {
  description = "Delete the log bucket's objects when it is destroyed (convenient in dev; keep false in prod)."
  type        = bool
  default     = false
}

variable "app_ports" {
  description = "Container port range of the ECS services (web 3000, api 3001); the only ports the ALB may reach."
  type = object({
    from = number
    to   = number
  })
  default = { from = 3000, to = 3001 }
}

variable "database_port" {
  description = "Port of the database; the only port the ECS tasks may reach on it."
  type        = number
  default     = 5432
}
