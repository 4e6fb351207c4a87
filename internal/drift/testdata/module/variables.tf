variable "web_min_tasks" {
  type    = number
  default = 1
}

variable "api_key" {
  type      = string
  default   = "fixture-secret-initial"
  sensitive = true
}
