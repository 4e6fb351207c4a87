variable "project" { type = string }
variable "environment" { type = string }
variable "unit" { type = string }
variable "aws_region" { type = string }
variable "aws_emulator" {
  type    = bool
  default = false
}

variable "private_subnet_ids" { type = list(string) }
variable "ecs_security_group_id" { type = string }
variable "task_role_arn" { type = string }

variable "web_min_tasks" {
  type    = number
  default = 1
}

variable "log_retention_days" {
  type    = number
  default = 30
}
