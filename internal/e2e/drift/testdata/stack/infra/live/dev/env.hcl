# dev: the trimmed stack's only environment.
vars = {
  region = "eu-west-1"
  cidr   = "10.30.0.0/16"
}

inputs = {
  # service
  web_min_tasks      = 1
  log_retention_days = 7

  # flags
  rollout_percent = 10
}
