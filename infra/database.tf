# RDS PostgreSQL (database = "rds", the default), sized for a household: db.t4g.micro, single-AZ,
# 20 GB gp3, encrypted, private, TLS enforced, 7 days of backups. About 80% of the idle bill
# (README, "Cost"). Shared settings and the logging policy: database_common.tf.

resource "aws_db_parameter_group" "main" {
  count = local.use_rds ? 1 : 0

  name_prefix = "${var.name}-pg${var.postgres_major_version}-"
  family      = "postgres${var.postgres_major_version}"
  description = "${var.name}: TLS only, slow-query logging without bind parameters"

  # Refuse unencrypted connections (the default for PostgreSQL 15+ on RDS, stated so a family
  # change cannot silently drop it).
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name         = "max_connections"
    value        = tostring(local.db_max_connections)
    apply_method = "pending-reboot"
  }

  # Slow statements (500 ms) and DDL, never their bind parameters (database_common.tf).
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

  # A new family (major upgrade) needs a new group before the old one can go.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "main" {
  #checkov:skip=CKV_AWS_157:Single-AZ by design: Multi-AZ doubles the largest line of the bill for a household app; backups cover recovery.
  #checkov:skip=CKV_AWS_118:Enhanced Monitoring bills CloudWatch Logs ingestion every few seconds; the basic RDS metrics feed the dashboard.
  #checkov:skip=CKV_AWS_353:Performance Insights / Database Insights advanced mode is a paid add-on not needed at this size.
  #checkov:skip=CKV_AWS_354:Follows from CKV_AWS_353: Performance Insights is off, so there is nothing to encrypt with a KMS key.
  count = local.use_rds ? 1 : 0

  identifier     = var.name
  engine         = "postgres"
  engine_version = var.postgres_major_version
  instance_class = "db.t4g.micro"

  # Without this, RDS enrols the instance in paid Extended Support when the major version reaches
  # end of standard support: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html
  engine_lifecycle_support = "open-source-rds-extended-support-disabled"

  allocated_storage = 20
  storage_type      = "gp3"
  storage_encrypted = true

  db_name  = local.db_name
  username = local.db_username
  # Write-only and ephemeral: never in plan or state. Used once, to grant rds_iam (secrets.tf).
  password_wo         = var.db_bootstrap_password
  password_wo_version = local.db_password_version
  # The app signs in with IAM tokens it signs locally (secrets.tf).
  iam_database_authentication_enabled = true

  multi_az               = false
  publicly_accessible    = false
  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.db.id]
  parameter_group_name   = aws_db_parameter_group.main[0].name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period = 7
  backup_window           = "03:00-03:30"
  maintenance_window      = "sun:04:00-sun:04:30"
  copy_tags_to_snapshot   = true

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = "${var.name}-final"

  depends_on = [aws_cloudwatch_log_group.db]
}
