# The two choices of issue 14: where the container runs and which PostgreSQL it talks to.
# Every combination is checked by scripts/test-infra; costs per combination: infra/README.md, "Cost".

variable "compute" {
  description = "Where the image runs: \"apprunner\" (App Runner service, closed to new AWS customers since 2026-04-30) or \"lambda\" (container-image function behind an API Gateway HTTP API, for any account)."
  type        = string
  default     = "apprunner"

  validation {
    condition     = contains(["apprunner", "lambda"], var.compute)
    error_message = "compute must be \"apprunner\" or \"lambda\"."
  }
}

variable "database" {
  description = "Which PostgreSQL: \"rds\" (db.t4g.micro, always on, about $14/month) or \"aurora\" (Aurora Serverless v2 with auto-pause at 0 ACU, storage only while idle; the first request after a pause waits about 15 s)."
  type        = string
  default     = "rds"

  validation {
    condition     = contains(["rds", "aurora"], var.database)
    error_message = "database must be \"rds\" or \"aurora\"."
  }
}

variable "aurora_engine_version" {
  description = "Aurora PostgreSQL engine version the cluster is created with (deploy.sh checks the region offers it). Afterwards AWS applies minor upgrades itself and Terraform ignores this value, so a plan never tries a downgrade; a major upgrade is a manual step (infra/README.md). Auto-pause (0 ACU) needs 13.15, 14.12, 15.7, 16.3 or newer."
  type        = string
  default     = "16.6"

  validation {
    condition     = can(regex("^1[6-7]\\.[0-9]+$", var.aurora_engine_version))
    error_message = "aurora_engine_version must be a 16.x or 17.x Aurora PostgreSQL version (e.g. 16.6)."
  }
}

variable "aurora_max_capacity" {
  description = "Largest size Aurora Serverless v2 may scale to, in ACUs (1 ACU ≈ 2 GiB). It also sets max_connections, so the connection budget (locals in database_common.tf) follows it."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 1.5, 2, 4], var.aurora_max_capacity)
    error_message = "aurora_max_capacity must be 1, 1.5, 2 or 4 (a household needs no more)."
  }
}

variable "aurora_seconds_until_auto_pause" {
  description = "Idle seconds (no user connections) before Aurora pauses at 0 ACU; 300 to 86400."
  type        = number
  default     = 300

  validation {
    condition     = var.aurora_seconds_until_auto_pause >= 300 && var.aurora_seconds_until_auto_pause <= 86400
    error_message = "aurora_seconds_until_auto_pause must be between 300 and 86400."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the Lambda function; CPU grows with it (1,769 MB = 1 vCPU). 1024 keeps password hashing and cold starts quick and stays inside the free tier for a household."
  type        = number
  default     = 1024

  validation {
    condition     = var.lambda_memory_mb >= 512 && var.lambda_memory_mb <= 3008
    error_message = "lambda_memory_mb must be between 512 and 3008."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency of the function: the most environments that can run at once, each holding up to DATABASE_MAX_CONNECTIONS (2) connections, so it must fit the database's connection budget (checked at plan time). null reserves nothing; then the account's concurrency limit is the bound, and deploy.sh checks it against the budget. AWS refuses a reservation that leaves fewer than 100 unreserved executions, so new accounts (limit 10) cannot reserve any and need null; deploy.sh checks that too."
  type        = number
  default     = 10
  nullable    = true

  validation {
    # A conditional, not `||`: Terraform before 1.12 evaluates both sides, and floor(null) fails.
    condition     = var.lambda_reserved_concurrency == null ? true : (var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency == floor(var.lambda_reserved_concurrency))
    error_message = "lambda_reserved_concurrency must be null or a whole number of at least 1."
  }
}
