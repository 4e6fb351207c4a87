locals {
  environment    = "dev"
  aws_region     = "eu-central-1"
  instance_count = 1
  owner          = get_env("TEAM", "platform")
}
