variable "cidr" { type = string }
output "vpc_id" { value = "vpc-${md5(var.cidr)}" }
output "subnet_ids" { value = ["subnet-a", "subnet-b"] }
