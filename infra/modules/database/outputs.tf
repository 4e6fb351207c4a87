output "cluster_id" {
  description = "Identifier of the Aurora cluster."
  value       = aws_rds_cluster.this.id
}

output "cluster_arn" {
  description = "ARN of the Aurora cluster."
  value       = aws_rds_cluster.this.arn
}

output "cluster_resource_id" {
  description = "Resource ID of the cluster (for rds-db:connect IAM policies)."
  value       = aws_rds_cluster.this.cluster_resource_id
}

output "cluster_endpoint" {
  description = "Writer endpoint of the cluster."
  value       = aws_rds_cluster.this.endpoint
}

output "cluster_reader_endpoint" {
  description = "Reader endpoint of the cluster."
  value       = aws_rds_cluster.this.reader_endpoint
}

output "port" {
  description = "Port the cluster listens on."
  value       = aws_rds_cluster.this.port
}

output "database_name" {
  description = "Name of the application database."
  value       = aws_rds_cluster.this.database_name
}

output "master_username" {
  description = "Master user name."
  value       = aws_rds_cluster.this.master_username
}

output "instance_ids" {
  description = "Identifiers of the cluster instances."
  value       = aws_rds_cluster_instance.this[*].identifier
}

output "db_subnet_group_name" {
  description = "Name of the DB subnet group."
  value       = aws_db_subnet_group.this.name
}

output "ssm_parameter_prefix" {
  description = "SSM path holding this environment's parameters (the service unit scopes its IAM roles to it)."
  value       = local.ssm_prefix
}

output "master_password_parameter_name" {
  description = "Name of the SecureString SSM parameter holding the master password (the value itself is never an output)."
  value       = aws_ssm_parameter.master_password.name
}

output "master_password_parameter_arn" {
  description = "ARN of the SecureString SSM parameter holding the master password."
  value       = aws_ssm_parameter.master_password.arn
}

output "database_url_parameter_name" {
  description = "Name of the SecureString SSM parameter holding DATABASE_URL."
  value       = aws_ssm_parameter.database_url.name
}

output "database_url_parameter_arn" {
  description = "ARN of the SecureString SSM parameter holding DATABASE_URL (for ECS task definition secrets)."
  value       = aws_ssm_parameter.database_url.arn
}

output "backup_bucket_name" {
  description = "Name of the backup bucket (manual snapshot exports)."
  value       = aws_s3_bucket.backups.id
}

output "snapshot_export_role_arn" {
  description = "ARN of the role for RDS snapshot exports into the backup bucket (StartExportTask --iam-role-arn)."
  value       = aws_iam_role.export.arn
}

output "cluster_parameter_group_name" {
  description = "Name of the cluster parameter group (rds.force_ssl = 1)."
  value       = aws_rds_cluster_parameter_group.this.name
}
