# --- Secrets: SSM SecureStrings for the containers ------------------------------------
# Paths under the environment's prefix, by who may read them:
#   <prefix>/shared/DATADOG_API_KEY            web, api
#   <prefix>/web/SENTRY_DSN                    web
#   <prefix>/api/{SENTRY_DSN,MONGODB_URI,JWT_SIGNING_KEY}   api
#   <prefix>/gateway/ORIGIN_VERIFY_KEY         api; CloudFront (edge) sends it
#   <prefix>/database/DATABASE_URL             api (written by the database unit)
#   <prefix>/database/master-password          nobody here

locals {
  external_secret_paths = {
    mongodb_uri     = "api/MONGODB_URI"
    datadog_api_key = "shared/DATADOG_API_KEY"
    web_sentry_dsn  = "web/SENTRY_DSN"
    api_sentry_dsn  = "api/SENTRY_DSN"
  }
}

# Values from inputs (ssm_parameter() in unit.hcl): they are in the state,
# which is why the state bucket is encrypted, versioned and TLS-only.
resource "aws_ssm_parameter" "external" {
  for_each = local.external_secret_paths

  name        = "${local.ssm_prefix}/${each.value}"
  description = "${local.name} ${each.key} (from the unit's inputs)"
  type        = "SecureString"
  value       = var.external_secrets[each.key]
}

# Generated here, never in state or a plan: an ephemeral password written
# through write-only arguments, set once per generated_secrets_version.
ephemeral "aws_secretsmanager_random_password" "origin_verify_key" {
  password_length     = 48
  exclude_punctuation = true # sent as an HTTP header value
}

ephemeral "aws_secretsmanager_random_password" "jwt_signing_key" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_ssm_parameter" "origin_verify_key" {
  name             = "${local.ssm_prefix}/gateway/ORIGIN_VERIFY_KEY"
  description      = "${local.name} key CloudFront sends in ${local.origin_verify_header}; the ALB rules require it"
  type             = "SecureString"
  value_wo         = ephemeral.aws_secretsmanager_random_password.origin_verify_key.random_password
  value_wo_version = var.generated_secrets_version
}

resource "aws_ssm_parameter" "jwt_signing_key" {
  name             = "${local.ssm_prefix}/api/JWT_SIGNING_KEY"
  description      = "${local.name} JWT signing key of the api"
  type             = "SecureString"
  value_wo         = ephemeral.aws_secretsmanager_random_password.jwt_signing_key.random_password
  value_wo_version = var.generated_secrets_version
}

# The listener rules must compare against the key itself, so it is read
# back (the data source's value is sensitive: plans show it masked). It
# does end up in the state and in the ALB's and CloudFront's configuration:
# that is where a pre-shared header lives.
data "aws_ssm_parameter" "origin_verify_key" {
  name            = aws_ssm_parameter.origin_verify_key.name
  with_decryption = true

  depends_on = [aws_ssm_parameter.origin_verify_key]
}

locals {
  origin_verify_header = "X-Origin-Verify"
}
