# Aurora Serverless v2 PostgreSQL with auto-pause (database = "aurora"): the ≤ $3/month idle variant.
# Paused at 0 ACU it bills storage only; the first connection resumes it in about 15 s (about 30 s
# after a day paused). It pauses only after aurora_seconds_until_auto_pause with no user connections,
# so nothing may hold one open while idle: the finalize schedule is off by default with this
# database (scheduler.tf), and idle_session_timeout closes connections that a frozen Lambda
# environment or an idle pool keeps.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html

locals {
  aurora_major = split(".", var.aurora_engine_version)[0]
  # Aurora ends sessions idle this long (below); the app's pool closes its idle connections at half
  # of it (DATABASE_IDLE_TIMEOUT_SECS, database_common.tf), so it never hands out a session the
  # server has already ended, which would answer the next request with a 500.
  aurora_idle_session_timeout_secs = 120
}

resource "aws_rds_cluster_parameter_group" "main" {
  count = local.use_aurora ? 1 : 0

  name_prefix = "${var.name}-aurora-pg${local.aurora_major}-"
  family      = "aurora-postgresql${local.aurora_major}"
  description = "${var.name}: TLS only, slow-query logging without bind parameters, idle sessions closed"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name         = "max_connections"
    value        = tostring(local.db_max_connections)
    apply_method = "pending-reboot"
  }

  # An idle connection counts as a user connection and keeps the database awake: close sessions
  # idle for two minutes. The app's pool reconnects on its next use.
  parameter {
    name  = "idle_session_timeout"
    value = tostring(local.aurora_idle_session_timeout_secs * 1000)
  }

  parameter {
    name  = "log_min_duration_statement"
    value = local.db_log_parameters["log_min_duration_statement"]
  }

  parameter {
    name  = "log_statement"
    value = local.db_log_parameters["log_statement"]
  }

  parameter {
    name  = "log_parameter_max_length"
    value = local.db_log_parameters["log_parameter_max_length"]
  }

  parameter {
    name  = "log_parameter_max_length_on_error"
    value = local.db_log_parameters["log_parameter_max_length_on_error"]
  }

  parameter {
    name  = "log_error_verbosity"
    value = local.db_log_parameters["log_error_verbosity"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster" "main" {
  #checkov:skip=CKV_AWS_327:Encrypted at rest with the AWS-managed RDS key; a customer-managed KMS key would add $1/month, a third of this variant's budget.
  #checkov:skip=CKV_AWS_139:Deletion protection is on by default through var.deletion_protection; teardown turns it off on purpose.
  #checkov:skip=CKV2_AWS_8:AWS Backup would duplicate the cluster's own 7-day automated backups at extra cost.
  #checkov:skip=CKV_AWS_324:Log exports are configured (postgresql); the check expects every log type, and Aurora PostgreSQL has only this one.
  count = local.use_aurora ? 1 : 0

  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  # The version at creation; afterwards AWS applies minor upgrades in the maintenance window
  # (auto_minor_version_upgrade), and a plan must not try to go back to this number, which RDS
  # refuses (a downgrade). Major upgrades are a deliberate, manual step (infra/README.md).
  engine_version = var.aurora_engine_version
  # Without this, RDS enrols the cluster in paid Extended Support at the end of standard support.
  engine_lifecycle_support = "open-source-rds-extended-support-disabled"

  database_name   = local.db_name
  master_username = local.db_username
  # Write-only and ephemeral, as for RDS (secrets.tf).
  master_password_wo                  = var.db_bootstrap_password
  master_password_wo_version          = local.db_password_version
  iam_database_authentication_enabled = true

  db_subnet_group_name            = aws_db_subnet_group.main.name
  vpc_security_group_ids          = [aws_security_group.db.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.main[0].name
  storage_encrypted               = true
  # Aurora Standard: the I/O a household makes costs cents; I/O-Optimized would bill more for storage.
  storage_type = ""

  serverlessv2_scaling_configuration {
    min_capacity             = 0
    max_capacity             = var.aurora_max_capacity
    seconds_until_auto_pause = var.aurora_seconds_until_auto_pause
  }

  backup_retention_period      = 7
  preferred_backup_window      = "03:00-03:30"
  preferred_maintenance_window = "sun:04:00-sun:04:30"
  copy_tags_to_snapshot        = true

  enabled_cloudwatch_logs_exports = ["postgresql"]

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = "${var.name}-final"

  depends_on = [aws_cloudwatch_log_group.db]

  lifecycle {
    ignore_changes = [engine_version]
  }
}

resource "aws_rds_cluster_instance" "main" {
  #checkov:skip=CKV_AWS_353:Performance Insights is a paid add-on not needed at this size.
  #checkov:skip=CKV_AWS_354:Follows from CKV_AWS_353: Performance Insights is off, so there is nothing to encrypt with a KMS key.
  #checkov:skip=CKV_AWS_118:Enhanced Monitoring bills CloudWatch Logs ingestion every few seconds and would keep metrics flowing from a paused database; the basic metrics feed the dashboard.
  count = local.use_aurora ? 1 : 0

  identifier                   = "${var.name}-1"
  cluster_identifier           = aws_rds_cluster.main[0].id
  instance_class               = "db.serverless"
  engine                       = aws_rds_cluster.main[0].engine
  engine_version               = aws_rds_cluster.main[0].engine_version
  db_subnet_group_name         = aws_db_subnet_group.main.name
  publicly_accessible          = false
  auto_minor_version_upgrade   = true
  performance_insights_enabled = false
  promotion_tier               = 0

  lifecycle {
    ignore_changes = [engine_version]
  }
}
