# Terraform >= 1.11 for write-only arguments (`password_wo`, `value_wo`) and ephemeral resources:
# https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only
# scripts/test-infra plans every combination with Terraform 1.11.4 and hashicorp/aws 5.100.0 (the
# versions on the test machine); expressions avoid what only 1.12 added (short-circuit `||`/`&&`).
terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    # 5.100 has every argument used here (write-only `password_wo`/`value_wo`, the ephemeral
    # `aws_secretsmanager_random_password`, `engine_lifecycle_support`, EventBridge Scheduler). 6.x
    # changes defaults and is not tested, so it is not allowed until it is.
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Partial configuration: `terraform init -backend-config=backend.hcl` (see README, "State").
  # With App Runner, state holds the finalize secret (the EventBridge connection cannot take it
  # write-only), so it lives in a private, versioned, encrypted S3 bucket rather than on a laptop.
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
