package e2e

// stepModule is a Terraform module built only on terraform_data (no
// provider to download). Creating and destroying append a line to a log
// file, so tests observe the order terraform really ran in.
const stepModule = `
variable "name" {
  type = string
}
variable "log" {
  type = string
}
variable "upstream" {
  type    = string
  default = ""
}
variable "fail" {
  type    = bool
  default = false
}
variable "sleep" {
  type    = number
  default = 0
}
variable "secret" {
  type      = string
  default   = ""
  sensitive = true
}

resource "terraform_data" "this" {
  input = {
    name     = var.name
    upstream = var.upstream
    log      = var.log
  }
  provisioner "local-exec" {
    command = "sleep ${var.sleep}; if [ ${var.fail} = true ]; then echo failing on purpose >&2; exit 1; fi; echo create ${var.name} >> ${var.log}"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo destroy ${self.input.name} >> ${self.input.log}"
  }
}

output "value" {
  value = "${var.name}(${var.upstream})"
}

output "token" {
  value     = "token-of-${var.name}"
  sensitive = true
}
`

const rootFile = `
project  = "e2e"
live_dir = "live"

terraform {
  version = ">= 1.5"
}

locals {
  log = "@ROOT@/order.log"
}

inputs = {
  log         = local.log
  environment = env.name
}
`

// chain is dev: network <- database <- service, and network <- monitoring.
func chain() map[string]string {
	return map[string]string{
		"stackctl.hcl":         rootFile,
		"modules/step/main.tf": stepModule,
		"live/dev/env.hcl":     `vars = { region = "eu-west-1" }`,
		"live/dev/network/unit.hcl": `source = "../../../modules/step"
inputs = { name = "network" }
`,
		"live/dev/database/unit.hcl": `source = "../../../modules/step"
dependency "network" {
  path         = "../network"
  mock_outputs = { value = "mock-network" }
}
inputs = {
  name     = "database"
  upstream = dependency.network.outputs.value
}
`,
		"live/dev/service/unit.hcl": `source = "../../../modules/step"
dependency "db" {
  path         = "../database"
  mock_outputs = { value = "mock-database" }
}
inputs = {
  name     = "service"
  upstream = dependency.db.outputs.value
}
`,
		"live/dev/monitoring/unit.hcl": `source = "../../../modules/step"
dependency "network" {
  path         = "../network"
  mock_outputs = { value = "mock-network" }
}
inputs = {
  name     = "monitoring"
  upstream = dependency.network.outputs.value
}
`,
	}
}
