# Feature flags of the release: no provider at all.
variable "rollout_percent" {
  type = number
  validation {
    condition     = var.rollout_percent >= 0 && var.rollout_percent <= 100
    error_message = "rollout_percent is a percentage: 0 to 100."
  }
}

resource "terraform_data" "flags" {
  input = { rollout_percent = var.rollout_percent }
}

output "rollout_percent" {
  value = terraform_data.flags.output.rollout_percent
}
