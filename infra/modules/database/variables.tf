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

variable "private_subnet_ids" {
  description = "IDs of the private subnets (two availability zones) for the DB subnet group. From network.private_subnet_ids."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "private_subnet_ids must list at least two subnets (two availability zones)."
  }
}

variable "database_security_group_id" {
  description = "ID of the security group of the database (port 5432 from the ECS tasks only). From network.database_security_group_id."
  type        = string
}

# --- Database ------------------------------------------------------------------

variable "engine_version" {
  description = "Aurora PostgreSQL engine version (17.x), minor included: the cluster stays on it (automatic minor upgrades are off) until this changes."
  type        = string
  default     = "17.4"

  validation {
    condition     = can(regex("^17\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be an Aurora PostgreSQL 17.x version, e.g. \"17.4\"."
  }
}

variable "database_name" {
  description = "Name of the application database created in the cluster."
  type        = string
  default     = "app"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a lowercase letter and contain only lowercase letters, digits and underscores."
  }
}

variable "master_username" {
  description = "Master user name of the cluster."
  type        = string
  default     = "app_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && !contains(["admin", "postgres", "rdsadmin"], var.master_username)
    error_message = "master_username must be 1-16 lowercase letters, digits or underscores, start with a letter, and not be a reserved name."
  }
}

variable "port" {
  description = "Port the cluster listens on (must match the network unit's database security group rule)."
  type        = number
  default     = 5432
}

variable "min_capacity" {
  description = "Minimum Aurora Serverless v2 capacity in ACUs (0 lets the cluster pause when idle; e.g. dev 0.5, prod 2)."
  type        = number
  default     = 0.5

  validation {
    condition     = var.min_capacity >= 0 && var.min_capacity <= 256
    error_message = "min_capacity must be between 0 and 256 ACUs."
  }
}

variable "max_capacity" {
  description = "Maximum Aurora Serverless v2 capacity in ACUs (e.g. dev 2, prod 16)."
  type        = number
  default     = 2

  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity <= 256
    error_message = "max_capacity must be between 1 and 256 ACUs."
  }
}

variable "instance_count" {
  description = "Number of db.serverless instances in the cluster: 1 (writer only; dev) or more (writer plus readers in other zones; prod 2)."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 15
    error_message = "instance_count must be between 1 and 15."
  }
}

variable "backup_retention_days" {
  description = "Days automated backups are kept."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "preferred_backup_window" {
  description = "Daily UTC window for automated backups (hh24:mi-hh24:mi)."
  type        = string
  default     = "02:00-03:00"
}

variable "deletion_protection" {
  description = "Protect the cluster against deletion (true in prod)."
  type        = bool
  default     = false
}

variable "final_snapshot" {
  description = "Take a final snapshot when the cluster is destroyed (true in prod)."
  type        = bool
  default     = false
}

variable "apply_immediately" {
  description = "Apply cluster modifications immediately instead of in the next maintenance window."
  type        = bool
  default     = true
}

variable "master_password_version" {
  description = "Raise to rotate the master password: the cluster, the master-password parameter and DATABASE_URL get one new password in the same apply. The password itself is never in state, a plan or any output."
  type        = number
  default     = 1

  validation {
    condition     = var.master_password_version >= 1 && floor(var.master_password_version) == var.master_password_version
    error_message = "master_password_version must be a whole number from 1."
  }
}

variable "ssm_parameter_prefix" {
  description = "SSM Parameter Store path under which the database parameters are written. Empty: \"/<project>/<environment>\" (the path the service unit's IAM roles may read)."
  type        = string
  default     = ""

  validation {
    condition     = var.ssm_parameter_prefix == "" || can(regex("^/[A-Za-z0-9_.\\-/]*[A-Za-z0-9_.\\-]$", var.ssm_parameter_prefix))
    error_message = "ssm_parameter_prefix must be empty or an absolute path without a trailing slash."
  }
}

variable "backup_bucket_force_destroy" {
  description = "Delete the backup bucket's objects when it is destroyed (dev only; never in prod)."
  type        = bool
  default     = false
}

variable "backup_retention_days_in_bucket" {
  description = "Days a replaced or deleted object version stays in the backup bucket."
  type        = number
  default     = 365
}
