# Logs with a retention, alarms an operator can act on, and a budget; the dashboard is dashboard.tf.
# What each alarm means and what to do: infra/README.md, "Alarms". The app's own metrics arrive as
# CloudWatch embedded metric format (EMF) lines on stdout, namespace "mealvote" (docs/operations.md,
# "Metrics"); CloudWatch extracts them from the log group, so no metrics API call leaves the VPC.

locals {
  emf_namespace = "mealvote"
  # The platform's own request metrics: App Runner's front end, or API Gateway in front of Lambda.
  # They count answers the app never gave (a crashed instance, a Lambda timeout), which EMF cannot.
  platform_5xx = local.use_apprunner ? {
    namespace  = "AWS/AppRunner"
    metric     = "5xxStatusResponses"
    dimensions = tomap({ ServiceName = aws_apprunner_service.app[0].service_name, ServiceID = aws_apprunner_service.app[0].service_id })
    } : {
    namespace  = "AWS/ApiGateway"
    metric     = "5xx"
    dimensions = tomap({ ApiId = aws_apigatewayv2_api.app[0].id })
  }
}

# --- Log retention -------------------------------------------------------------------------------

# App Runner creates /aws/apprunner/<name>/<service-id>/{application,service} itself, with no
# retention, and the service ID is only known after creation, so an aws_cloudwatch_log_group would
# collide with them (hashicorp/terraform-provider-aws#24707, aws/apprunner-roadmap#97). The retention
# is therefore set with the AWS CLI right after the service exists; creating the application group
# first is harmless because App Runner writes into an existing group.
resource "terraform_data" "apprunner_log_retention" {
  count = local.use_apprunner ? 1 : 0

  triggers_replace = [aws_apprunner_service.app[0].service_id, var.log_retention_days]

  provisioner "local-exec" {
    command = <<-EOT
      set -eu
      for kind in application service; do
        group="/aws/apprunner/$SERVICE_NAME/$SERVICE_ID/$kind"
        aws logs create-log-group --region "$REGION" --log-group-name "$group" 2>/dev/null || true
        aws logs put-retention-policy --region "$REGION" --log-group-name "$group" --retention-in-days "$DAYS"
      done
    EOT

    environment = {
      REGION       = var.region
      SERVICE_NAME = aws_apprunner_service.app[0].service_name
      SERVICE_ID   = aws_apprunner_service.app[0].service_id
      DAYS         = tostring(var.log_retention_days)
    }
  }
}

# --- Alarms --------------------------------------------------------------------------------------

# CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key, and a
# customer-managed key costs $1/month for alarm e-mails that carry no secrets.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
resource "aws_sns_topic" "alerts" {
  #checkov:skip=CKV_AWS_26:Alarm notifications hold no secrets, and CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed key (see comment).
  name = "${var.name}-alerts"
}

resource "aws_sns_topic_subscription" "alerts_email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

resource "aws_cloudwatch_metric_alarm" "http_5xx" {
  alarm_name          = "${var.name}-http-5xx"
  alarm_description   = "The front end (${local.platform_5xx.namespace}) answered more than ${var.alarm_5xx_threshold} requests with 5xx in each of two consecutive 5-minute periods. See the Alarms section of infra/README.md."
  namespace           = local.platform_5xx.namespace
  metric_name         = local.platform_5xx.metric
  dimensions          = local.platform_5xx.dimensions
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.alarm_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  # No traffic means no datapoints, which is not an outage.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_sns_topic.alerts.arn]
  ok_actions         = [aws_sns_topic.alerts.arn]
}

# The app's own count of 5xx answers, from its EMF metric Requests (dimensions Route, StatusClass),
# summed over every route by a Metrics Insights query, so a new route needs no new alarm. Metrics
# Insights alarms are outside CloudWatch's free tier ($0.10 per metric analyzed a month), and the
# platform's 5xx alarm above already sees every 5xx the app answers, so this one is optional.
resource "aws_cloudwatch_metric_alarm" "app_5xx" {
  count = var.enable_app_5xx_alarm ? 1 : 0

  alarm_name          = "${var.name}-app-5xx"
  alarm_description   = "The app answered more than ${var.alarm_5xx_threshold} requests with 5xx (EMF Requests, StatusClass 5xx, all routes) in each of two consecutive 5-minute periods. See the Alarms section of infra/README.md."
  evaluation_periods  = 2
  threshold           = var.alarm_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  metric_query {
    id          = "app5xx"
    label       = "5xx answers, all routes"
    period      = 300
    return_data = true
    expression  = "SELECT SUM(Requests) FROM SCHEMA(\"${local.emf_namespace}\", Route, StatusClass) WHERE StatusClass = '5xx'"
  }
}

# Failed invocations are those that still failed after the retry policy: on App Runner the API
# destination's calls (401 from a secret mismatch, the app down, DNS/TLS trouble with the custom
# domain), on Lambda the Scheduler's invocations it dropped (the function missing, throttled, or the
# role refused). The window is at least one schedule interval (and at least an hour) and one failure
# is enough, so the alarm can fire at every rate the schedule allows, rate(1 day) included.
locals {
  finalize_failures = local.finalize_via_api_destination ? {
    namespace  = "AWS/Events"
    metric     = "FailedInvocations"
    dimensions = tomap({ RuleName = aws_cloudwatch_event_rule.finalize_due[0].name })
    } : {
    namespace  = "AWS/Scheduler"
    metric     = "InvocationDroppedCount"
    dimensions = tomap({ ScheduleGroup = local.finalize_via_scheduler ? aws_scheduler_schedule_group.app[0].name : "none" })
  }
}

resource "aws_cloudwatch_metric_alarm" "finalize_due_failed" {
  count = local.finalize_enabled ? 1 : 0

  alarm_name          = "${var.name}-finalize-due-failed"
  alarm_description   = "A scheduled finalize-due (${local.finalize_schedule}) failed permanently: slots still close when someone opens a plan. See the Alarms section of infra/README.md."
  namespace           = local.finalize_failures.namespace
  metric_name         = local.finalize_failures.metric
  dimensions          = local.finalize_failures.dimensions
  statistic           = "Sum"
  period              = max(3600, local.finalize_interval)
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "sign_in_failures" {
  alarm_name          = "${var.name}-sign-in-failures"
  alarm_description   = "More than ${var.alarm_sign_in_failures_threshold} failed sign-ins (EMF SignInFailures) within 15 minutes: someone may be guessing passwords. See the Alarms section of infra/README.md."
  namespace           = local.emf_namespace
  metric_name         = "SignInFailures"
  statistic           = "Sum"
  period              = 900
  evaluation_periods  = 1
  threshold           = var.alarm_sign_in_failures_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# Every pooled connection busy for 15 minutes: requests queue for a connection (EMF PoolInUse, the
# per-copy maximum, against DATABASE_MAX_CONNECTIONS).
resource "aws_cloudwatch_metric_alarm" "pool_exhausted" {
  alarm_name          = "${var.name}-db-pool-exhausted"
  alarm_description   = "All ${local.app_pool_size} pooled database connections of a copy of the app were in use in three consecutive 5-minute periods (EMF PoolInUse). See the Alarms section of infra/README.md."
  namespace           = local.emf_namespace
  metric_name         = "PoolInUse"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  threshold           = local.app_pool_size
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# Lambda refused invocations because the reserved concurrency (the database's connection budget)
# was reached; API Gateway answered those requests with 5xx.
resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  count = local.use_lambda ? 1 : 0

  alarm_name          = "${var.name}-lambda-throttles"
  alarm_description   = "The function was throttled in a 5-minute period: more concurrent requests than lambda_reserved_concurrency (or the account limit). See the Alarms section of infra/README.md."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.app[0].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# --- Budget --------------------------------------------------------------------------------------

# Covers the whole account (a household's account runs only this), so a forgotten resource made by
# hand is caught too. The limit follows the variant: a fixed $20 would e-mail every month on RDS
# (about $15-19 in daily use) and never on Aurora (about $2-5). Each default sits above the
# variant's daily-use cost in infra/README.md's table with room for a busy month, and low enough that
# a runaway (a database that never pauses, a stuck loop) crosses it; infra/tests/test_costs.py
# checks that against the table.
# https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html
locals {
  default_monthly_budget_usd = {
    "apprunner+rds"    = 25
    "apprunner+aurora" = 10
    "lambda+rds"       = 20
    "lambda+aurora"    = 5
  }
  monthly_budget_usd = var.monthly_budget_usd != null ? var.monthly_budget_usd : local.default_monthly_budget_usd["${var.compute}+${var.database}"]
}

resource "aws_budgets_budget" "monthly" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", local.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = [var.alert_email]
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = [var.alert_email]
  }
}
