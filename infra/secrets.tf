# The app signs in to PostgreSQL with IAM database authentication on both targets: a token signed
# locally from the role's credentials (no network call), valid 15 minutes, so no database password
# reaches the app's settings. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
#
# The database still needs a master password at creation, and `rds_iam` must be granted to the
# user before a token works: the app's migrate step connects once with this password, grants
# `rds_iam` to itself, and from then on RDS refuses password logins for that user ("IAM
# authentication takes precedence over password authentication"), so the password is dead after
# the first deploy: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/database-authentication.html
# (The RDS API can now create an IAM-only master user, MasterUserAuthenticationType = iam-db-auth,
# but provider 5.100 has no argument for it.)
#
# The password is an ephemeral input (var.db_bootstrap_password: never in plan or state; deploy.sh
# generates a fresh one on each run) sent write-only to the database and to one SecureString the
# bootstrap reads, and only when db_credentials_version changes or the database is created, so both
# always hold the same value. It is not generated here because Terraform 1.11's mocked provider
# cannot mock ephemeral resources, and the plans in scripts/test-infra must run.

# Write-only arguments only send a new value when their *_wo_version changes, so the database and
# the parameter always receive the same apply-time password.
locals {
  db_password_version = var.db_credentials_version

  # No password: the app adds a fresh IAM token to each new connection (DATABASE_IAM_AUTH).
  # sslmode=verify-full checks the RDS certificate against the bundled CA and the host name.
  database_url = format(
    "postgres://%s@%s:%d/%s?sslmode=verify-full&sslrootcert=%s",
    local.db_username,
    local.db_address,
    local.db_port,
    local.db_name,
    local.db_ca_bundle_path,
  )
}

# Replaced with the database, so a replaced database (fresh password at creation) rewrites the
# parameter in the same apply.
resource "terraform_data" "db_identity" {
  triggers_replace = [local.db_identity]
}

# SSM Parameter Store standard SecureStrings are free; Secrets Manager would add $0.40 per secret
# per month. App Runner resolves it as a runtime environment secret outside the VPC; on Lambda,
# deploy.sh reads it and hands it to the one-off migrate invocation (the function has no route to
# SSM: no NAT, no endpoint).
resource "aws_ssm_parameter" "db_bootstrap_password" {
  #checkov:skip=CKV_AWS_337:Encrypted with the AWS-managed aws/ssm key; a customer-managed key would add $1/month and a key policy for App Runner to use.
  name             = "/${var.name}/db-bootstrap-password"
  description      = "Master password of ${var.name}'s database: used once to grant rds_iam, refused by the database after that"
  type             = "SecureString"
  value_wo         = var.db_bootstrap_password
  value_wo_version = local.db_password_version

  lifecycle {
    replace_triggered_by = [terraform_data.db_identity]

    precondition {
      # A conditional, not `||` (Terraform before 1.12 does not short-circuit).
      condition     = var.db_bootstrap_password == null ? false : length(var.db_bootstrap_password) >= 32
      error_message = "db_bootstrap_password is not set (or shorter than 32 characters): infra/deploy.sh generates one; for a plain terraform plan/apply, export TF_VAR_db_bootstrap_password=\"$(LC_ALL=C tr -dc A-Za-z0-9 </dev/urandom | head -c 40)\" first (infra/README.md, \"Plain terraform\")."
    }
  }
}

# --- the finalize secret (App Runner only) -------------------------------------------------------
# On Lambda the schedule invokes the function directly with IAM (scheduler.tf): no shared secret.
# On App Runner, EventBridge's API destination sends it as x-finalize-secret. The connection's
# api_key value is not write-only, so this one is a state-stored value: a random value read once
# and kept by terraform_data until finalize_secret_version changes (the data source returns a new
# one on every read; ignore_changes keeps the first). State is kept in an encrypted S3 backend.
data "aws_secretsmanager_random_password" "finalize" {
  count = local.use_apprunner ? 1 : 0

  password_length     = 48
  exclude_punctuation = true
}

resource "terraform_data" "finalize_secret" {
  count = local.use_apprunner ? 1 : 0

  input            = sensitive(data.aws_secretsmanager_random_password.finalize[0].random_password)
  triggers_replace = [var.finalize_secret_version]

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_ssm_parameter" "finalize_secret" {
  #checkov:skip=CKV_AWS_337:Encrypted with the AWS-managed aws/ssm key; a customer-managed key would add $1/month and a key policy for App Runner to use.
  count = local.use_apprunner ? 1 : 0

  name             = "/${var.name}/finalize-secret"
  description      = "FINALIZE_SECRET for ${var.name}: EventBridge sends it as x-finalize-secret"
  type             = "SecureString"
  value_wo         = terraform_data.finalize_secret[0].output
  value_wo_version = var.finalize_secret_version
}

locals {
  finalize_secret = local.use_apprunner ? terraform_data.finalize_secret[0].output : null

  # Changing this changes App Runner's configuration, so it redeploys in the same apply that
  # rotates a secret: App Runner reads secrets only when it deploys, and a new parameter value
  # alone does not deploy. Lambda holds no secret.
  secrets_version = "db${local.db_password_version}-finalize${var.finalize_secret_version}"
}
