variable "name" {
  description = "Prefix for every resource name (service or function, DB identifier, bucket, parameters). At most 24 characters: the longest derived name must fit the tightest AWS limit it feeds (App Runner auto scaling configuration, 32; infra/tests/test_names.py checks every one)."
  type        = string
  default     = "mealvote"

  validation {
    # Lowercase for S3 and RDS; no "--" and no trailing hyphen, which RDS identifiers refuse.
    condition     = can(regex("^[a-z][a-z0-9-]{2,22}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 4-24 characters of lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "region" {
  description = "AWS region for everything except CloudFront's certificate (always us-east-1). Costs in infra/README.md are us-east-1 list prices."
  type        = string
  default     = "us-east-1"
}

variable "image_tag" {
  description = "Tag of the image in the ECR repository to run (deploy.sh passes the git commit). Tags are immutable, so a new tag is a new deployment."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a valid, immutable Docker tag (not \"latest\")."
  }
}

variable "route53_zone_name" {
  description = "Existing public Route 53 hosted zone that holds app_domain and assets_domain, e.g. example.com."
  type        = string
}

variable "app_domain" {
  description = "Host name of the app: the zone apex itself (example.com, served through a Route 53 alias record) or a name inside route53_zone_name (vote.example.com)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.app_domain)) && length(var.app_domain) <= 253
    error_message = "app_domain must be a lowercase host name, e.g. example.com or vote.example.com."
  }
}

variable "assets_domain" {
  description = "Host name that serves the JS/WASM/CSS through CloudFront, e.g. assets.vote.example.com; ASSETS_BASE_URL becomes https://<assets_domain>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.){2,}[a-z]{2,63}$", var.assets_domain))
    error_message = "assets_domain must be a lowercase host name with at least three labels, e.g. assets.vote.example.com."
  }
}

variable "alert_email" {
  description = "E-mail address for the budget alerts and the CloudWatch alarms (the SNS subscription must be confirmed from the inbox once)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be an e-mail address."
  }
}

variable "monthly_budget_usd" {
  description = "Monthly AWS Budgets limit in USD; e-mails at 80% actual and 100% forecast. null: the variant's default (local.default_monthly_budget_usd in monitoring.tf: $25 App Runner + RDS, $20 Lambda + RDS, $10 App Runner + Aurora, $5 Lambda + Aurora; infra/README.md, \"Cost\")."
  type        = number
  default     = null

  validation {
    # A conditional, not `||`: Terraform before 1.12 evaluates both sides, and null > 0 fails.
    condition     = var.monthly_budget_usd == null ? true : var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd must be null or positive."
  }
}

variable "deletion_protection" {
  description = "Protect the database from deletion. Set false before `terraform destroy`, or for throw-away stacks."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Destroy the database without a final snapshot. Keep false for real data (the snapshot is named <name>-final and bills as snapshot storage until deleted)."
  type        = bool
  default     = false
}

variable "postgres_major_version" {
  description = "PostgreSQL major version for RDS; RDS picks the newest minor and upgrades minors automatically."
  type        = string
  default     = "17"

  validation {
    condition     = contains(["16", "17"], var.postgres_major_version)
    error_message = "postgres_major_version must be \"16\" or \"17\"."
  }
}

variable "db_credentials_version" {
  description = "Bump to give the database a new master password (ephemeral, never in state) and its bootstrap parameter the same value in one apply. The app signs in with IAM tokens, not this password, which the database refuses once rds_iam is granted (README, \"Rotating secrets\")."
  type        = number
  default     = 1
}

variable "db_bootstrap_password" {
  description = "The database's master password, used once by the migrate step to grant rds_iam (secrets.tf). Ephemeral: never written to plan or state, and sent only when db_credentials_version changes or the database is created. infra/deploy.sh generates a fresh one each run; pass it as TF_VAR_db_bootstrap_password, never on a command line."
  type        = string
  default     = null
  ephemeral   = true
  sensitive   = true

  validation {
    # A conditional, not `||` (Terraform before 1.12 does not short-circuit).
    condition     = var.db_bootstrap_password == null ? true : can(regex("^[A-Za-z0-9]{32,128}$", var.db_bootstrap_password))
    error_message = "db_bootstrap_password must be 32-128 letters and digits (it travels in a URL and a JSON event without escaping)."
  }
}

variable "finalize_secret_version" {
  description = "App Runner only: bump to rotate the shared secret that EventBridge sends in the x-finalize-secret header and the app reads as FINALIZE_SECRET; the service is redeployed in the same apply. (Lambda has no shared secret: the schedule invokes the function with IAM.)"
  type        = number
  default     = 1
}

variable "finalize_schedule" {
  description = "How often EventBridge calls POST /internal/finalize-due: one of the keys of local.finalize_schedule_seconds (scheduler.tf), or \"off\". null picks the database's default: rate(15 minutes) with rds, off with aurora (a call would wake the paused database; lazy closing already serves every read)."
  type        = string
  default     = null

  validation {
    # A conditional, not `||`: Terraform before 1.12 evaluates both sides, and contains(…, null) fails.
    condition = var.finalize_schedule == null ? true : contains([
      "off", "rate(5 minutes)", "rate(10 minutes)", "rate(15 minutes)", "rate(30 minutes)",
      "rate(1 hour)", "rate(2 hours)", "rate(3 hours)", "rate(6 hours)", "rate(12 hours)", "rate(1 day)",
    ], var.finalize_schedule)
    error_message = "finalize_schedule must be null, \"off\" or one of rate(5|10|15|30 minutes), rate(1 hour), rate(2|3|6|12 hours), rate(1 day)."
  }
}

variable "availability_zone_ids" {
  description = "Exactly two AZ IDs (IDs, not names: names are shuffled per account) for the private subnets of the database and of the App Runner VPC connector or the Lambda function. The defaults are us-east-1 zones that offer db.t4g; change them with the region."
  type        = list(string)
  default     = ["use1-az1", "use1-az2"]

  validation {
    condition     = length(var.availability_zone_ids) == 2 && length(distinct(var.availability_zone_ids)) == 2
    error_message = "availability_zone_ids must list two different AZ IDs."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; the two private subnets take the first two /24s."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrsubnet(var.vpc_cidr, 8, 1))
    error_message = "vpc_cidr must be an IPv4 CIDR of /16 to /22."
  }
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention for the App Runner and RDS log groups."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value of at most 365."
  }
}

variable "alarm_5xx_threshold" {
  description = "Alarm when the front end (App Runner or API Gateway) or the app (EMF metric Requests, StatusClass 5xx) counts more than this many 5xx responses in each of two consecutive 5-minute periods."
  type        = number
  default     = 5
}

variable "alarm_sign_in_failures_threshold" {
  description = "Alarm when more than this many sign-ins fail within 15 minutes (EMF metric SignInFailures)."
  type        = number
  default     = 50
}

variable "enable_xray_tracing" {
  description = "X-Ray tracing. App Runner: an observability configuration whose managed collector receives the app's OTLP/HTTP spans on localhost:4318. Lambda: active tracing, i.e. only the Lambda service's own segments (README, \"Traces\"). Off by default: X-Ray bills per recorded trace."
  type        = bool
  default     = false
}

variable "enable_app_5xx_alarm" {
  description = "Also alarm on the app's own 5xx count summed over all routes (a Metrics Insights query, $0.10 a month: outside CloudWatch's free tier). The platform's 5xx alarm (App Runner or API Gateway) is always on and free."
  type        = bool
  default     = false
}

variable "enable_dashboard" {
  description = "Create the CloudWatch dashboard (free within the 3-dashboard free tier, $3/month otherwise)."
  type        = bool
  default     = true
}

variable "ecr_keep_images" {
  description = "How many most recent images the ECR lifecycle policy keeps (rollback targets)."
  type        = number
  default     = 10

  validation {
    condition     = var.ecr_keep_images >= 2
    error_message = "ecr_keep_images must keep at least the running image and one rollback target."
  }
}

variable "force_destroy_artifacts" {
  description = "Let `terraform destroy` delete the ECR repository and the asset bucket while they still hold images and files (both are rebuilt by deploy.sh). Keep false except when tearing the stack down."
  type        = bool
  default     = false
}
