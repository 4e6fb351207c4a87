# --- Backup bucket: manual snapshot exports --------------------------------------------
# Automated backups (backup_retention_days) and point-in-time recovery stay
# in RDS; this bucket holds what outlives them: snapshot exports
# (StartExportTask, with the role below and a KMS key of the team's) and
# other manual copies. Private, versioned, encrypted, TLS only.

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "backups" {
  bucket        = "${local.name}-backups-${data.aws_caller_identity.current.account_id}"
  force_destroy = var.backup_bucket_force_destroy
}

resource "aws_s3_bucket_ownership_controls" "backups" {
  bucket = aws_s3_bucket.backups.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "backups" {
  bucket = aws_s3_bucket.backups.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "backups" {
  bucket = aws_s3_bucket.backups.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "backups" {
  bucket = aws_s3_bucket.backups.id

  rule {
    id     = "archive-backups"
    status = "Enabled"

    filter {}

    transition {
      days          = 30
      storage_class = "GLACIER"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.backup_retention_days_in_bucket
    }
  }

  depends_on = [aws_s3_bucket_versioning.backups]
}

data "aws_iam_policy_document" "backups" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.backups.arn, "${aws_s3_bucket.backups.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# TLS only. Not against an emulator: it is plain HTTP, so this Deny would
# refuse every request to the bucket, terraform's included (as it would on
# any S3-compatible store served over http).
resource "aws_s3_bucket_policy" "backups" {
  count  = var.aws_emulator ? 0 : 1
  bucket = aws_s3_bucket.backups.id
  policy = data.aws_iam_policy_document.backups.json

  depends_on = [aws_s3_bucket_public_access_block.backups]
}

# The role RDS snapshot exports write with.
data "aws_iam_policy_document" "export_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["export.rds.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "export" {
  statement {
    actions   = ["s3:PutObject*", "s3:ListBucket", "s3:GetObject*", "s3:DeleteObject*", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.backups.arn, "${aws_s3_bucket.backups.arn}/*"]
  }
}

resource "aws_iam_role" "export" {
  name               = "${local.name}-rds-export"
  description        = "RDS snapshot exports of ${local.name} into its backup bucket"
  assume_role_policy = data.aws_iam_policy_document.export_assume.json
}

resource "aws_iam_role_policy" "export" {
  name   = "write-backup-bucket"
  role   = aws_iam_role.export.id
  policy = data.aws_iam_policy_document.export.json
}
