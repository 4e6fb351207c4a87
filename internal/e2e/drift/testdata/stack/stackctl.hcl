# A trimmed copy of the production stack (../../../../../stackctl.hcl): the
# same settings, five small units whose resources have no fixed waits in
# the AWS provider beyond one ECS cluster.
project  = "driftcheck"
live_dir = "infra/live"

terraform {
  version = "~> 1.11"
}

providers {
  mirror = get_env("STACKCTL_PROVIDER_MIRROR", "/opt/tf-plugins")
}

remote_state {
  backend = "s3"
  config = {
    bucket       = "${project}-tfstate-${env.name}"
    key          = "${unit.path}/terraform.tfstate"
    region       = env.region
    encrypt      = true
    use_lockfile = true
  }
}

inputs = {
  project      = project
  environment  = env.name
  unit         = unit.path
  aws_region   = env.region
  aws_emulator = get_env("AWS_ENDPOINT_URL", "") != ""
  vpc_cidr     = env.cidr
}
