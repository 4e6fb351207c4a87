terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  region = var.aws_region

  skip_credentials_validation = var.aws_emulator
  skip_metadata_api_check     = var.aws_emulator
  s3_use_path_style           = var.aws_emulator

  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "stackctl"
      Unit        = var.unit
    }
  }
}
