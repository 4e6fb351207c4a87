terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

# The provider configuration (region, emulator settings, default tags, the
# us_east_1 alias) is not here: stackctl writes it into the working folder
# from stackctl.hcl's generate "provider" block, once for every unit.
