locals {
  org        = "acme"
  name       = "acme-platform"
  aws_region = "us-east-1" # the default; each environment names its own
  tags = {
    Owner     = "platform"
    ManagedBy = "terragrunt"
  }
  account_ids = {
    dev  = "111111111111"
    prod = "222222222222"
  }
}
