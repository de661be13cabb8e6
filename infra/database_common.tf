# What both databases share: names, the logging policy, the connection budget, and the address the
# app connects to. The RDS instance is database.tf, the Aurora Serverless v2 cluster aurora.tf.

locals {
  use_rds       = var.database == "rds"
  use_aurora    = var.database == "aurora"
  use_apprunner = var.compute == "apprunner"
  use_lambda    = var.compute == "lambda"

  db_name     = "mealvote"
  db_username = "mealvote"
  # The app image carries the RDS global CA bundle at this path (infra/docker/Dockerfile), so the
  # client verifies the server certificate and host name (Aurora uses the same CAs):
  # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
  db_ca_bundle_path = "/etc/ssl/certs/rds-global-bundle.pem"
  db_port           = 5432
  db_address        = local.use_rds ? aws_db_instance.main[0].address : aws_rds_cluster.main[0].endpoint
  # Changes only when the database is replaced (a new database gets a fresh password at creation).
  db_identity = local.use_rds ? aws_db_instance.main[0].id : aws_rds_cluster.main[0].id
  # What IAM database authentication names in rds-db:connect (the resource ID, not the name):
  # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
  db_resource_id = local.use_rds ? aws_db_instance.main[0].resource_id : aws_rds_cluster.main[0].cluster_resource_id
  db_connect_arn = "arn:aws:rds-db:${var.region}:${data.aws_caller_identity.current.account_id}:dbuser:${local.db_resource_id}/${local.db_username}"

  # Logging policy, the same for both engines. PostgreSQL writes every bind parameter in full beside
  # a statement logged by log_min_duration_statement or log_statement (`parameters: $1 = '…'`), and
  # the DETAIL of a unique violation names the row's values: e-mail addresses, tokens, ballots would
  # land in CloudWatch. log_parameter_max_length = 0 and log_parameter_max_length_on_error = 0 drop
  # the parameters; log_error_verbosity = terse drops DETAIL, HINT, QUERY and CONTEXT lines.
  # https://www.postgresql.org/docs/current/runtime-config-logging.html
  # infra/tests/test_database.py fails if any parameter group logs statements without these.
  db_log_parameters = {
    "log_min_duration_statement"        = "500"
    "log_statement"                     = "ddl"
    "log_parameter_max_length"          = "0"
    "log_parameter_max_length_on_error" = "0"
    "log_error_verbosity"               = "terse"
  }

  # The connection budget. max_connections is set explicitly (static, applied at creation or the next
  # reboot) so the budget is a number rather than a formula of instance memory: 80 is below what a
  # db.t4g.micro allows by default; 100 suits Aurora at 0.5-1 ACU. superuser_reserved_connections (3)
  # and room for migrations and an operator's psql (7) come off the top.
  db_max_connections   = local.use_rds ? 80 : 100
  db_connection_budget = local.db_max_connections - 3 - 7

  # Per running copy of the app, DATABASE_MAX_CONNECTIONS: App Runner instances serve up to 100
  # concurrent requests each; a Lambda environment serves one request at a time, so two connections
  # (a request and the store's own background work) are plenty.
  app_pool_size = local.use_lambda ? 2 : 10
  # How many copies can run at once: App Runner's max_size, or Lambda's reserved concurrency (null:
  # the account's limit, which deploy.sh checks against the budget before applying).
  app_max_copies = local.use_lambda ? var.lambda_reserved_concurrency : 2

  # Aurora resumes from a pause in about 15 s (longer after a day); the app must wait for it rather
  # than answer 500 (docs/operations.md, "Aurora auto-pause").
  db_environment = local.use_aurora ? {
    DATABASE_ACQUIRE_TIMEOUT_SECS = "25"
    # Below Aurora's idle_session_timeout (aurora.tf): an idle connection is closed by the pool
    # before the server ends it.
    DATABASE_IDLE_TIMEOUT_SECS = tostring(floor(local.aurora_idle_session_timeout_secs / 2))
  } : {}
}

resource "aws_db_subnet_group" "main" {
  name        = var.name
  description = "Private subnets for ${var.name}"
  subnet_ids  = aws_subnet.private[*].id
}

# RDS and Aurora create these groups on first export with unlimited retention unless they already
# exist, so Terraform creates them first:
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
resource "aws_cloudwatch_log_group" "db" {
  #checkov:skip=CKV_AWS_158:Encrypted at rest with the CloudWatch Logs service key; a customer-managed KMS key would add $1/month for slow-query logs.
  #checkov:skip=CKV_AWS_338:Retention is deliberately short (log_retention_days, 14 by default) to keep the bill flat.
  for_each = toset(local.use_rds ? ["postgresql", "upgrade"] : ["postgresql"])

  name              = local.use_rds ? "/aws/rds/instance/${var.name}/${each.key}" : "/aws/rds/cluster/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
}

check "connections_fit_the_database" {
  assert {
    # A conditional, not `||`: Terraform before 1.12 evaluates both sides of `||`, and null * 2 fails.
    condition     = local.app_max_copies == null ? true : local.app_max_copies * local.app_pool_size <= local.db_connection_budget
    error_message = "At most ${coalesce(local.app_max_copies, 0)} copies × ${local.app_pool_size} connections exceed the database's budget of ${local.db_connection_budget}: lower lambda_reserved_concurrency."
  }
}
