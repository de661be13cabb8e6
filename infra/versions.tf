# Terraform >= 1.11 for write-only arguments (`password_wo`, `value_wo`) and ephemeral resources:
# https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only
terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    # AWS provider 6.x: write-only `password_wo` on aws_db_instance and `value_wo` on
    # aws_ssm_parameter, `engine_lifecycle_support` on aws_db_instance, `state` on event rules.
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    # random >= 3.7 has the `random_password` ephemeral resource (never stored in state or plan).
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # Partial configuration: `terraform init -backend-config=backend.hcl` (see README, "State").
  # State holds the finalize secret (the EventBridge connection cannot take it write-only), so it
  # lives in a private, versioned, encrypted S3 bucket rather than on a laptop.
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

# CloudFront only accepts ACM certificates from us-east-1:
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.tags
  }
}

locals {
  tags = {
    Project   = var.name
    ManagedBy = "terraform"
  }
}
