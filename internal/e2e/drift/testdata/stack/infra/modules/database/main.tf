# Trimmed from infra/modules/database: the parameter the services read the
# database's URL from.
resource "aws_ssm_parameter" "database_url" {
  name        = "/${var.project}/${var.environment}/DATABASE_URL"
  description = "${var.project}-${var.environment} database URL"
  type        = "SecureString"
  value       = var.database_url
}

output "database_url_parameter_arn" {
  value = aws_ssm_parameter.database_url.arn
}
