locals {
  major      = split(".", var.engine_version)[0]
  name       = "${var.project}-${var.environment}"
  ssm_prefix = var.ssm_parameter_prefix != "" ? var.ssm_parameter_prefix : "/${var.project}/${var.environment}"
}

resource "aws_db_subnet_group" "this" {
  name        = local.name
  description = "${local.name} Aurora PostgreSQL (private subnets)"
  subnet_ids  = var.private_subnet_ids

  tags = { Name = local.name }
}

# --- Master password ----------------------------------------------------------
# Never printed, never in state or a plan file. An ephemeral resource
# (Secrets Manager's GetRandomPassword; the random provider is not available
# offline) yields a password that Terraform never stores, and write-only
# arguments hand it to the cluster and to the SSM SecureStrings. Terraform
# shows a write-only value as "(write-only attribute)" and sends it only when
# its *_wo_version changes, so the value is set once and kept.
#
# Why not the old data source: data.aws_secretsmanager_random_password's ID
# is the password, and terraform prints every data source's ID ("Read
# complete … [id=…]") on each plan and apply. Why not
# manage_master_user_password: DATABASE_URL must hold the password for the
# api's container secret, and an RDS-managed secret rotates behind
# Terraform's back, leaving DATABASE_URL stale.
#
# Rotation: raise master_password_version and apply; the cluster and both
# parameters get one new password in the same apply. A port change rotates
# it too: DATABASE_URL can only be rewritten with a fresh password, since
# the old one is kept nowhere Terraform can read.

ephemeral "aws_secretsmanager_random_password" "master" {
  password_length     = 40
  exclude_punctuation = true # the password is embedded in DATABASE_URL
}

locals {
  # The version the cluster and the master-password parameter are written
  # with; DATABASE_URL's adds what else the URL holds.
  password_version = parseint(substr(sha256("${var.master_password_version}:${var.port}"), 0, 12), 16)
}

resource "aws_ssm_parameter" "master_password" {
  name             = "${local.ssm_prefix}/database/master-password"
  description      = "${local.name} Aurora master password (user ${var.master_username})"
  type             = "SecureString"
  value_wo         = ephemeral.aws_secretsmanager_random_password.master.random_password
  value_wo_version = local.password_version
}

# --- Server-side TLS and parameters ------------------------------------------------

resource "aws_rds_cluster_parameter_group" "this" {
  name        = "${local.name}-aurora-postgresql${local.major}"
  family      = "aurora-postgresql${local.major}"
  description = "${local.name} Aurora PostgreSQL ${local.major}: TLS required"

  # Clients without TLS are refused by the server, whatever they ask for.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# --- Aurora PostgreSQL Serverless v2 ---------------------------------------------

resource "aws_rds_cluster" "this" {
  cluster_identifier = local.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = var.engine_version
  database_name      = var.database_name
  master_username    = var.master_username
  port               = var.port

  master_password_wo         = ephemeral.aws_secretsmanager_random_password.master.random_password
  master_password_wo_version = local.password_version

  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.database_security_group_id]

  storage_encrypted               = true
  backup_retention_period         = var.backup_retention_days
  preferred_backup_window         = var.preferred_backup_window
  copy_tags_to_snapshot           = true
  deletion_protection             = var.deletion_protection
  skip_final_snapshot             = !var.final_snapshot
  final_snapshot_identifier       = var.final_snapshot ? "${local.name}-final" : null
  apply_immediately               = var.apply_immediately
  allow_major_version_upgrade     = false
  enabled_cloudwatch_logs_exports = ["postgresql"]

  serverlessv2_scaling_configuration {
    min_capacity = var.min_capacity
    max_capacity = var.max_capacity
  }

  lifecycle {
    # moto 5.2.1 gap: a Serverless v2 cluster comes back with an empty v1
    # scaling_configuration block, a perpetual diff (docs/emulator.md). The
    # block is not used by Serverless v2, so ignoring it is harmless on AWS.
    ignore_changes = [scaling_configuration]
  }
}

resource "aws_rds_cluster_instance" "this" {
  count = var.instance_count

  identifier           = "${local.name}-${count.index + 1}"
  cluster_identifier   = aws_rds_cluster.this.id
  instance_class       = "db.serverless"
  engine               = aws_rds_cluster.this.engine
  engine_version       = aws_rds_cluster.this.engine_version
  db_subnet_group_name = aws_db_subnet_group.this.name
  publicly_accessible  = false
  # Choice: the minor version is pinned (engine_version) and AWS does not
  # upgrade it by itself. With automatic minor upgrades on, AWS moves the
  # cluster to a newer 17.x in a maintenance window and every later plan
  # tries to go back. Upgrades are a reviewed change of engine_version,
  # staging first. (AWS still forces an upgrade off a minor that reaches its
  # end of life, announced months ahead: raise engine_version before then.)
  auto_minor_version_upgrade = false
  apply_immediately          = var.apply_immediately
  promotion_tier             = count.index
}

# --- Connection string for the applications --------------------------------------
# Written with the same ephemeral password in the same apply as the cluster.
# Its version also covers the endpoint, user and database name: when any of
# them changes, the cluster is replaced too (and so gets this password).

resource "aws_ssm_parameter" "database_url" {
  name        = "${local.ssm_prefix}/database/DATABASE_URL"
  description = "${local.name} PostgreSQL connection URL (writer endpoint)"
  type        = "SecureString"
  value_wo = format(
    "postgresql://%s:%s@%s:%d/%s?sslmode=require",
    var.master_username,
    urlencode(ephemeral.aws_secretsmanager_random_password.master.random_password),
    aws_rds_cluster.this.endpoint,
    aws_rds_cluster.this.port,
    var.database_name,
  )
  value_wo_version = parseint(substr(sha256(join("|", [
    local.password_version, aws_rds_cluster.this.endpoint, var.master_username, var.database_name,
  ])), 0, 12), 16)
}
