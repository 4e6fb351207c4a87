# --- Maintenance page: the DNS failover target ----------------------------------------------
# Route53 can fail an alias over to an S3 website endpoint only when the
# bucket is named exactly as the hostname. Website endpoints serve HTTP and
# anonymous reads only, so this is the one bucket that is readable by
# everyone: only its objects (no listing, no writes), encrypted, and it holds
# nothing but the static maintenance page. (To serve the page over HTTPS
# instead, use a CloudFront origin group rather than DNS failover.)

resource "aws_s3_bucket" "maintenance" {
  bucket        = var.app_domain
  force_destroy = true # only the page Terraform uploads lives here
}

resource "aws_s3_bucket_ownership_controls" "maintenance" {
  bucket = aws_s3_bucket.maintenance.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "maintenance" {
  bucket = aws_s3_bucket.maintenance.id

  # ACLs stay blocked; the read-only bucket policy below is the exception.
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_server_side_encryption_configuration" "maintenance" {
  bucket = aws_s3_bucket.maintenance.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_website_configuration" "maintenance" {
  bucket = aws_s3_bucket.maintenance.id

  index_document {
    suffix = "index.html"
  }

  error_document {
    key = "index.html"
  }
}

data "aws_iam_policy_document" "maintenance" {
  statement {
    sid       = "PublicReadOfTheMaintenancePage"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.maintenance.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "maintenance" {
  bucket = aws_s3_bucket.maintenance.id
  policy = data.aws_iam_policy_document.maintenance.json

  depends_on = [aws_s3_bucket_public_access_block.maintenance]
}

resource "aws_s3_object" "maintenance" {
  bucket        = aws_s3_bucket.maintenance.id
  key           = "index.html"
  content_type  = "text/html; charset=utf-8"
  cache_control = "no-store"
  content       = <<-EOT
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>${var.maintenance_title}</title></head>
    <body><h1>${var.maintenance_title}</h1><p>${var.maintenance_message}</p></body></html>
  EOT
}

# --- The assets bucket for the services' task roles ----------------------------------------
# Granted here, where the bucket is: the task roles (service unit) may use
# this bucket and no other.

data "aws_iam_policy_document" "task_assets" {
  statement {
    sid       = "ListAssets"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.assets.arn]
  }

  statement {
    sid       = "ReadWriteAssets"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.assets.arn}/*"]
  }
}

resource "aws_iam_role_policy" "task_assets" {
  for_each = var.task_role_names

  name   = "assets-bucket"
  role   = each.value
  policy = data.aws_iam_policy_document.task_assets.json
}
