variable "project" { type = string }
variable "environment" { type = string }
variable "unit" { type = string }
variable "aws_region" { type = string }
variable "aws_emulator" {
  type    = bool
  default = false
}
