# Terraform-only resources (no provider needed) that make terraform write
# every part of a state: count and for_each keys (with characters that
# need quoting in addresses), modules with keys, a data resource,
# dependencies, create_before_destroy, sensitive and nested outputs, and
# check results of every kind. With generation = 2 and fail = true the
# apply fails and leaves a tainted and a deposed object.

variable "generation" {
  type    = number
  default = 1
  validation {
    condition     = var.generation > 0
    error_message = "generation counts from 1."
  }
}

variable "fail" {
  type    = bool
  default = false
}

variable "names" {
  type = map(string)
  default = {
    "a"        = "alpha"
    "b c"      = "with a space"
    "q\"uote"  = "with a quote"
    "$${x}"    = "with a template introducer"
    "ü/<html>" = "non-ASCII & HTML"
  }
}

resource "terraform_data" "count" {
  count = 2
  input = "count-${count.index}"
}

resource "terraform_data" "each" {
  for_each         = var.names
  input            = { key = each.key, value = each.value, n = 1.5, big = 12345678901234567890 }
  triggers_replace = [terraform_data.count[0].id]
}

# With fail, its replacement is created (create_before_destroy) and then
# tainted by the failing provisioner, so the old object stays deposed.
resource "terraform_data" "replaced" {
  input            = var.generation
  triggers_replace = var.generation
  lifecycle {
    create_before_destroy = true
  }
  provisioner "local-exec" {
    command = var.fail ? "exit 1" : "true"
  }
}

resource "terraform_data" "checked" {
  input = 3
  lifecycle {
    postcondition {
      condition     = self.output == 3
      error_message = "the output is 3."
    }
  }
}

module "each" {
  source   = "./child"
  for_each = toset(["one", "two"])
  name     = each.key
}

module "counted" {
  source = "./child"
  count  = 1
  name   = "counted"
}

data "terraform_remote_state" "other" {
  backend = "local"
  config = {
    path = "${path.module}/other.tfstate"
  }
}

check "health" {
  assert {
    condition     = terraform_data.count[0].output == "count-0"
    error_message = "count[0] is count-0."
  }
}

check "failing" {
  assert {
    condition     = terraform_data.count[1].output == "never"
    error_message = "This check fails on purpose."
  }
}

output "plain" {
  value = terraform_data.count[0].output
}

output "nested" {
  value = { list = [1, 2], map = { k = "v" }, html = "<a href=\"x\">&</a>", other = data.terraform_remote_state.other.outputs.greeting }
}

output "secret" {
  value     = "fixture-not-a-secret"
  sensitive = true
}

output "checked" {
  value = terraform_data.checked.output
  precondition {
    condition     = terraform_data.checked.output > 0
    error_message = "positive."
  }
}

output "modules" {
  value = { for k, m in module.each : k => m.id }
}
