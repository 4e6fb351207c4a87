terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

# The emulator's settings; the endpoint comes from AWS_ENDPOINT_URL.
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  default_tags {
    tags = { Project = "drifty", Environment = "dev" }
  }
}
