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

variable "vpc_id" {
  description = "ID of the VPC (target groups). From network.vpc_id."
  type        = string
}

variable "public_subnet_ids" {
  description = "IDs of the public subnets for the ALB (two availability zones). From network.public_subnet_ids."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An ALB needs subnets in at least two availability zones."
  }
}

variable "private_subnet_ids" {
  description = "IDs of the private subnets for the Fargate tasks. From network.private_subnet_ids."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 1
    error_message = "private_subnet_ids must not be empty."
  }
}

variable "alb_security_group_id" {
  description = "ID of the ALB security group (80/443 from anywhere). From network.alb_security_group_id."
  type        = string
}

variable "ecs_security_group_id" {
  description = "ID of the ECS tasks security group (ports 3000-3001 from the ALB only). From network.ecs_security_group_id."
  type        = string
}

variable "dns_zone_id" {
  description = "ID of the public Route53 zone in which the ACM certificates are DNS-validated. From network.dns_zone_id."
  type        = string
}

# --- Inputs from the database unit ------------------------------------------

variable "database_url_parameter_arn" {
  description = "ARN of the SecureString SSM parameter holding DATABASE_URL, injected into the api container as a secret. From database.database_url_parameter_arn."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:ssm:[a-z0-9-]+:[0-9]{12}:parameter/", var.database_url_parameter_arn))
    error_message = "database_url_parameter_arn must be an SSM parameter ARN."
  }
}

variable "ssm_parameter_prefix" {
  description = "SSM path the task and execution roles may read. Empty: \"/<project>/<environment>\". From database.ssm_parameter_prefix."
  type        = string
  default     = ""

  validation {
    condition     = var.ssm_parameter_prefix == "" || can(regex("^/[A-Za-z0-9_.\\-/]*[A-Za-z0-9_.\\-]$", var.ssm_parameter_prefix))
    error_message = "ssm_parameter_prefix must be empty or an absolute path without a trailing slash."
  }
}

# --- Hostnames ------------------------------------------------------------------

variable "app_domain" {
  description = "Public hostname of the application (e.g. \"app.dev.example.com\"), inside the DNS zone. The ALB certificate covers it and the listener rules match it (CloudFront forwards the viewer's Host header)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.app_domain))
    error_message = "app_domain must be a lowercase DNS name."
  }
}

variable "partner_api_domain" {
  description = "Optional second public hostname for the partner API, served by the api service directly from the ALB with its own certificate. Empty (the default): none."
  type        = string
  default     = ""

  validation {
    condition     = var.partner_api_domain == "" || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.partner_api_domain))
    error_message = "partner_api_domain must be empty or a lowercase DNS name."
  }
}

# --- Services ---------------------------------------------------------------------

variable "image_tag" {
  description = "Image tag both services run: the commit SHA the CI run built and pushed (the deploy workflow passes it as IMAGE_TAG). \"latest\" is refused where tags are immutable (staging, prod)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a Docker tag: the commit SHA the CI run pushed (set IMAGE_TAG)."
  }

  validation {
    condition     = !(var.ecr_image_tag_mutability == "IMMUTABLE" && var.image_tag == "latest")
    error_message = "image_tag \"latest\" cannot name a release where tags are immutable: deploy the commit SHA CI pushed (IMAGE_TAG)."
  }
}

variable "web_image_tag" {
  description = "Image tag of the web container when it differs from image_tag. Empty: image_tag."
  type        = string
  default     = ""

  validation {
    condition     = !(var.ecr_image_tag_mutability == "IMMUTABLE" && var.web_image_tag == "latest")
    error_message = "web_image_tag \"latest\" cannot name a release where tags are immutable."
  }
}

variable "api_image_tag" {
  description = "Image tag of the api container when it differs from image_tag. Empty: image_tag."
  type        = string
  default     = ""

  validation {
    condition     = !(var.ecr_image_tag_mutability == "IMMUTABLE" && var.api_image_tag == "latest")
    error_message = "api_image_tag \"latest\" cannot name a release where tags are immutable."
  }
}

variable "web_cpu" {
  description = "Fargate CPU units of a web task (256 = 0.25 vCPU)."
  type        = number
  default     = 256
}

variable "web_memory" {
  description = "Fargate memory (MiB) of a web task; must be valid for web_cpu."
  type        = number
  default     = 512
}

variable "api_cpu" {
  description = "Fargate CPU units of an api task (256 = 0.25 vCPU)."
  type        = number
  default     = 256
}

variable "api_memory" {
  description = "Fargate memory (MiB) of an api task; must be valid for api_cpu."
  type        = number
  default     = 512
}

variable "web_min_tasks" {
  description = "Minimum (and initial) number of web tasks."
  type        = number
  default     = 1

  validation {
    condition     = var.web_min_tasks >= 1
    error_message = "web_min_tasks must be at least 1."
  }
}

variable "web_max_tasks" {
  description = "Maximum number of web tasks the CPU autoscaling may run."
  type        = number
  default     = 2
}

variable "api_min_tasks" {
  description = "Minimum (and initial) number of api tasks."
  type        = number
  default     = 1

  validation {
    condition     = var.api_min_tasks >= 1
    error_message = "api_min_tasks must be at least 1."
  }
}

variable "api_max_tasks" {
  description = "Maximum number of api tasks the CPU autoscaling may run."
  type        = number
  default     = 2
}

variable "cpu_target_utilization" {
  description = "Average CPU utilization (%) above which the target-tracking autoscaling adds tasks."
  type        = number
  default     = 70

  validation {
    condition     = var.cpu_target_utilization > 0 && var.cpu_target_utilization < 100
    error_message = "cpu_target_utilization must be between 0 and 100."
  }
}

variable "scale_in_cpu_utilization" {
  description = "Average CPU utilization (%) below which (for 15 minutes) a service loses one task, down to its minimum."
  type        = number
  default     = 30

  validation {
    condition     = var.scale_in_cpu_utilization > 0 && var.scale_in_cpu_utilization < var.cpu_target_utilization
    error_message = "scale_in_cpu_utilization must be above 0 and below cpu_target_utilization."
  }
}

variable "scheduled_scaling" {
  description = "Scale both services down at night and over weekends: at scale_down (an Application Auto Scaling cron, in timezone) their capacity becomes night_min_tasks..night_max_tasks, at scale_up their configured minimum and maximum again. null: no schedule."
  type = object({
    timezone        = string
    scale_down      = string
    scale_up        = string
    night_min_tasks = number
    night_max_tasks = number
  })
  default = null

  validation {
    condition     = var.scheduled_scaling == null || (can(regex("^cron\\(.+\\)$", var.scheduled_scaling.scale_down)) && can(regex("^cron\\(.+\\)$", var.scheduled_scaling.scale_up)))
    error_message = "scheduled_scaling.scale_down and scale_up must be cron(...) expressions, e.g. \"cron(0 22 ? * * *)\"."
  }

  validation {
    # try(): terraform 1.11 evaluates both sides of ||, and null has no attributes.
    condition     = try(var.scheduled_scaling.night_min_tasks >= 0 && var.scheduled_scaling.night_max_tasks >= var.scheduled_scaling.night_min_tasks, var.scheduled_scaling == null)
    error_message = "scheduled_scaling.night_min_tasks must be 0 or more and night_max_tasks at least that."
  }
}

variable "web_health_check_path" {
  description = "HTTP path the ALB health-checks on web tasks."
  type        = string
  default     = "/"
}

variable "api_health_check_path" {
  description = "HTTP path the ALB health-checks on api tasks."
  type        = string
  default     = "/api/health"
}

variable "web_environment" {
  description = "Extra plain environment variables of the web container."
  type        = map(string)
  default     = {}
}

variable "api_environment" {
  description = "Extra plain environment variables of the api container."
  type        = map(string)
  default     = {}
}

variable "container_insights" {
  description = "CloudWatch Container Insights mode of the ECS cluster: \"enabled\" or \"enhanced\"."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced"], var.container_insights)
    error_message = "container_insights must be \"enabled\" or \"enhanced\"."
  }
}

variable "log_retention_days" {
  description = "Days the containers' CloudWatch logs are kept."
  type        = number
  default     = 30
}

# --- Registry, load balancer, alarms ---------------------------------------------

variable "ecr_image_tag_mutability" {
  description = "Tag mutability of the ECR repositories: MUTABLE or IMMUTABLE."
  type        = string
  default     = "MUTABLE"

  validation {
    condition     = contains(["MUTABLE", "IMMUTABLE"], var.ecr_image_tag_mutability)
    error_message = "ecr_image_tag_mutability must be MUTABLE or IMMUTABLE."
  }
}

variable "ecr_keep_images" {
  description = "Number of most recent images each ECR repository keeps (older ones expire)."
  type        = number
  default     = 30
}

variable "ecr_force_delete" {
  description = "Delete the ECR repositories even when they still hold images (convenient in dev)."
  type        = bool
  default     = false
}

variable "alb_deletion_protection" {
  description = "Protect the ALB against deletion (true in prod)."
  type        = bool
  default     = false
}

variable "alb_ssl_policy" {
  description = "TLS security policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm SNS topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
}

variable "cpu_alarm_threshold" {
  description = "Average CPU utilization (%) of a service above which its alarm fires."
  type        = number
  default     = 80
}

variable "memory_alarm_threshold" {
  description = "Average memory utilization (%) of a service above which its alarm fires."
  type        = number
  default     = 80
}

variable "http_5xx_rate_alarm_threshold" {
  description = "Share (%) of requests answered with a 5xx (by the ALB or the targets) over 5 minutes above which the alarm fires."
  type        = number
  default     = 5
}

variable "database_connections_alarm_threshold" {
  description = "Aurora connections (cluster average over 5 minutes) above which the alarm fires."
  type        = number
  default     = 200
}

# --- Secrets ------------------------------------------------------------------------

variable "external_secrets" {
  description = "Secrets of the external services, kept as SSM SecureStrings and given to the containers: mongodb_uri (api), datadog_api_key (both), web_sentry_dsn, api_sentry_dsn. Give them with ssm_parameter() (or another sensitive input), never in the repository."
  type = object({
    mongodb_uri     = string
    datadog_api_key = string
    web_sentry_dsn  = string
    api_sentry_dsn  = string
  })
  sensitive = true
}

variable "generated_secrets_version" {
  description = "Raise to rotate the secrets Terraform generates (the origin-verify key CloudFront sends, the JWT signing key). They are never in state, a plan or an output."
  type        = number
  default     = 1
}

variable "partner_api_waf" {
  description = "The regional WAF on the partner API hostname: requests per 5 minutes per IP (rate_limit) and IPv4 networks always blocked (blocked_cidrs)."
  type = object({
    rate_limit    = number
    blocked_cidrs = list(string)
  })
  default = { rate_limit = 1000, blocked_cidrs = [] }
}

# --- From the network and database units --------------------------------------------

variable "log_bucket_name" {
  description = "Bucket for the ALB's access logs (under alb/). From network.log_bucket_name."
  type        = string
}

variable "database_cluster_id" {
  description = "Identifier of the Aurora cluster, for the connections alarm. From database.cluster_id."
  type        = string
}
