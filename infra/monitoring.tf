# Logs with a retention, two alarms an operator can act on, one dashboard, and a budget.
# What each alarm means and what to do: infra/README.md, "Alarms".

locals {
  apprunner_dimensions = {
    ServiceName = aws_apprunner_service.app.service_name
    ServiceID   = aws_apprunner_service.app.service_id
  }
}

# --- Log retention -------------------------------------------------------------------------------

# App Runner creates /aws/apprunner/<name>/<service-id>/{application,service} itself, with no
# retention, and the service ID is only known after creation, so an aws_cloudwatch_log_group would
# collide with them (hashicorp/terraform-provider-aws#24707, aws/apprunner-roadmap#97). The retention
# is therefore set with the AWS CLI right after the service exists; creating the application group
# first is harmless because App Runner writes into an existing group.
resource "terraform_data" "apprunner_log_retention" {
  triggers_replace = [aws_apprunner_service.app.service_id, var.log_retention_days]

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
      SERVICE_NAME = aws_apprunner_service.app.service_name
      SERVICE_ID   = aws_apprunner_service.app.service_id
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
  alarm_description   = "The app answered more than ${var.alarm_5xx_threshold} requests with 5xx in each of two consecutive 5-minute periods. See the Alarms section of infra/README.md."
  namespace           = "AWS/AppRunner"
  metric_name         = "5xxStatusResponses"
  dimensions          = local.apprunner_dimensions
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

# Failed invocations are those that still failed after the retry policy (401 from a secret
# mismatch, the app down for five minutes, DNS/TLS trouble with the custom domain).
resource "aws_cloudwatch_metric_alarm" "finalize_due_failed" {
  alarm_name          = "${var.name}-finalize-due-failed"
  alarm_description   = "More than one scheduled POST /internal/finalize-due failed permanently within an hour: results are not announced until a visitor opens the plan. See the Alarms section of infra/README.md."
  namespace           = "AWS/Events"
  metric_name         = "FailedInvocations"
  dimensions          = { RuleName = aws_cloudwatch_event_rule.finalize_due.name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# --- Dashboard -----------------------------------------------------------------------------------

resource "aws_cloudwatch_dashboard" "main" {
  count = var.enable_dashboard ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        x      = 0
        y      = 0
        width  = 12
        height = 6
        properties = {
          title  = "Requests and errors (per 5 min)"
          region = var.region
          stat   = "Sum"
          period = 300
          view   = "timeSeries"
          metrics = [
            ["AWS/AppRunner", "Requests", "ServiceName", local.apprunner_dimensions.ServiceName, "ServiceID", local.apprunner_dimensions.ServiceID],
            [".", "4xxStatusResponses", ".", ".", ".", "."],
            [".", "5xxStatusResponses", ".", ".", ".", ".", { color = "#d62728" }],
          ]
        }
      },
      {
        type   = "metric"
        x      = 12
        y      = 0
        width  = 12
        height = 6
        properties = {
          title  = "Latency p95 (ms)"
          region = var.region
          stat   = "p95"
          period = 300
          view   = "timeSeries"
          metrics = [
            ["AWS/AppRunner", "RequestLatency", "ServiceName", local.apprunner_dimensions.ServiceName, "ServiceID", local.apprunner_dimensions.ServiceID],
          ]
        }
      },
      {
        type   = "metric"
        x      = 0
        y      = 6
        width  = 8
        height = 6
        properties = {
          title  = "Active instances"
          region = var.region
          stat   = "Maximum"
          period = 300
          view   = "timeSeries"
          metrics = [
            ["AWS/AppRunner", "ActiveInstances", "ServiceName", local.apprunner_dimensions.ServiceName, "ServiceID", local.apprunner_dimensions.ServiceID],
          ]
        }
      },
      {
        type   = "metric"
        x      = 8
        y      = 6
        width  = 8
        height = 6
        properties = {
          title  = "Database CPU (%)"
          region = var.region
          stat   = "Average"
          period = 300
          view   = "timeSeries"
          metrics = [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main.identifier],
          ]
        }
      },
      {
        type   = "metric"
        x      = 16
        y      = 6
        width  = 8
        height = 6
        properties = {
          title  = "Database connections"
          region = var.region
          stat   = "Maximum"
          period = 300
          view   = "timeSeries"
          metrics = [
            ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", aws_db_instance.main.identifier],
          ]
        }
      },
      {
        type   = "metric"
        x      = 0
        y      = 12
        width  = 24
        height = 5
        properties = {
          title  = "Scheduled finalize-due calls"
          region = var.region
          stat   = "Sum"
          period = 900
          view   = "timeSeries"
          metrics = [
            ["AWS/Events", "Invocations", "RuleName", aws_cloudwatch_event_rule.finalize_due.name],
            [".", "FailedInvocations", ".", ".", { color = "#d62728" }],
          ]
        }
      },
    ]
  })
}

# --- Budget --------------------------------------------------------------------------------------

# Covers the whole account (a household's account runs only this), so a forgotten resource made by
# hand is caught too. https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html
resource "aws_budgets_budget" "monthly" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.monthly_budget_usd)
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
