# Secrets reach the app as environment variables through App Runner's runtime environment secrets,
# which App Runner resolves outside the VPC at deployment time (so no NAT or SSM endpoint is
# needed): https://docs.aws.amazon.com/apprunner/latest/dg/env-variable.html
# SSM Parameter Store standard SecureStrings are free; Secrets Manager would add $0.40 per secret
# per month, and its rotation is useless here because App Runner reads secrets only at deployment.

# With App Runner the password is ephemeral: generated on every plan and apply and never persisted.
# Write-only arguments only send it when their *_wo_version changes, so the database and
# DATABASE_URL always receive the same apply-time value. Alphanumeric keeps it safe inside a URL
# without percent-encoding (40 chars ≈ 238 bits).
ephemeral "random_password" "db" {
  length  = 40
  special = false
}

# Lambda resolves no parameter references and the function has no route to SSM (no NAT, no
# endpoint), so DATABASE_URL is part of the function's environment, which is not write-only: with
# compute = "lambda" the password is a state-stored (sensitive) value, like the finalize secret.
resource "random_password" "db" {
  count = local.use_lambda ? 1 : 0

  length  = 40
  special = false

  keepers = {
    version = var.db_credentials_version
  }
}

locals {
  db_password = local.use_lambda ? random_password.db[0].result : ephemeral.random_password.db.result
  # Changes with db_credentials_version and with the password's source (switching compute), so the
  # database always receives the password that DATABASE_URL carries.
  db_password_version = var.db_credentials_version * 2 + (local.use_lambda ? 1 : 0)
  database_url = format(
    #checkov:skip=CKV_SECRET_4:A format template with %s placeholders, not a credential.
    "postgres://%s:%s@%s:%d/%s?sslmode=verify-full&sslrootcert=%s",
    local.db_username,
    local.db_password,
    local.db_address,
    local.db_port,
    local.db_name,
    local.db_ca_bundle_path,
  )

  # Changing any of these changes the service's configuration, so App Runner redeploys (and Lambda
  # takes the new environment) in the same apply that rotates the secret: App Runner reads secrets
  # only when it deploys, and a new parameter value alone does not deploy.
  secrets_version = "db${local.db_password_version}-finalize${var.finalize_secret_version}"
}

# Replaced with the database, so a replaced database (fresh password at creation) rewrites the URL.
resource "terraform_data" "db_identity" {
  triggers_replace = [local.db_identity]
}

# The whole connection string is one SecureString because the app reads a single DATABASE_URL.
# sslmode=verify-full checks the RDS certificate against the bundled CA and the host name.
resource "aws_ssm_parameter" "database_url" {
  #checkov:skip=CKV_AWS_337:Encrypted with the AWS-managed aws/ssm key; a customer-managed key would add $1/month and a key policy for App Runner to use.
  name             = "/${var.name}/database-url"
  description      = "DATABASE_URL for ${var.name} (PostgreSQL on RDS or Aurora, TLS verified)"
  type             = "SecureString"
  value_wo         = local.database_url
  value_wo_version = local.db_password_version

  lifecycle {
    # A replaced database gets a fresh password at creation, so the URL must be rewritten in the
    # same apply; otherwise they would drift apart.
    replace_triggered_by = [terraform_data.db_identity]
  }
}

# The finalize secret must also be given to the EventBridge connection, whose api_key value is not
# write-only, so this one is a regular (state-stored, sensitive) value. State is kept in an
# encrypted S3 backend (versions.tf).
resource "random_password" "finalize" {
  length  = 48
  special = false

  keepers = {
    version = var.finalize_secret_version
  }
}

resource "aws_ssm_parameter" "finalize_secret" {
  #checkov:skip=CKV_AWS_337:Encrypted with the AWS-managed aws/ssm key; a customer-managed key would add $1/month and a key policy for App Runner to use.
  name             = "/${var.name}/finalize-secret"
  description      = "FINALIZE_SECRET for ${var.name}: EventBridge sends it as x-finalize-secret"
  type             = "SecureString"
  value_wo         = random_password.finalize.result
  value_wo_version = var.finalize_secret_version
}
