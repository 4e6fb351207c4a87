variable "name" {
  type = string
}

resource "terraform_data" "this" {
  input = var.name
}

resource "terraform_data" "after" {
  input      = "after ${var.name}"
  depends_on = [terraform_data.this]
}

output "id" {
  value = terraform_data.this.id
}
