# A schedule closes due slots, and results are stored, without a visitor (docs/architecture.md,
# decision 2).
# - App Runner: an EventBridge rule calls POST /internal/finalize-due through an API destination,
#   which waits at most 5 s for a response, retries on 5xx and 429, and keeps the shared secret in an
#   EventBridge-managed Secrets Manager secret whose cost is included in the API destination price:
#   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
# - Lambda: EventBridge Scheduler invokes the function itself with {"mealvote":"finalize-due"},
#   allowed by IAM (lambda:InvokeFunction on this function only): no shared secret, and nothing
#   from the internet can send that event.
#   https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
#
# Correctness never depends on the schedule: every read of a plan first closes that household's
# overdue slots (lazy closing, docs/closing.md), with the same result and the same close time, and
# webhooks are off on AWS, so a scheduled close announces nothing that the next visitor would not
# see anyway. With Aurora the schedule is therefore off by default: each call would resume the
# paused database (about 15 s, then at least 5 minutes of ACU-hours), and rate(15 minutes) would keep
# it awake around the clock, the cost of an always-on instance without its speed.

locals {
  finalize_schedule = coalesce(var.finalize_schedule, local.use_aurora ? "off" : "rate(15 minutes)")
  # Every schedule the variable accepts, with its interval. The failure alarm (monitoring.tf) looks
  # at a window of at least one interval, so it can fire at each of them; infra/tests checks that.
  finalize_schedule_seconds = {
    "rate(5 minutes)"  = 300
    "rate(10 minutes)" = 600
    "rate(15 minutes)" = 900
    "rate(30 minutes)" = 1800
    "rate(1 hour)"     = 3600
    "rate(2 hours)"    = 7200
    "rate(3 hours)"    = 10800
    "rate(6 hours)"    = 21600
    "rate(12 hours)"   = 43200
    "rate(1 day)"      = 86400
  }
  finalize_enabled  = local.finalize_schedule != "off"
  finalize_interval = lookup(local.finalize_schedule_seconds, local.finalize_schedule, 0)
  # Which mechanism carries it (see above).
  finalize_via_api_destination = local.finalize_enabled && local.use_apprunner
  finalize_via_scheduler       = local.finalize_enabled && local.use_lambda
}

resource "aws_cloudwatch_event_connection" "app" {
  count = local.finalize_via_api_destination ? 1 : 0

  name               = "${var.name}-finalize"
  description        = "Sends x-finalize-secret to ${var.app_domain}"
  authorization_type = "API_KEY"

  auth_parameters {
    api_key {
      key   = "x-finalize-secret"
      value = local.finalize_secret
    }
  }
}

resource "aws_cloudwatch_event_api_destination" "finalize_due" {
  count = local.finalize_via_api_destination ? 1 : 0

  name                             = "${var.name}-finalize-due"
  description                      = "Closes every slot whose deadline has passed"
  invocation_endpoint              = "${local.app_url}/internal/finalize-due"
  http_method                      = "POST"
  invocation_rate_limit_per_second = 1
  connection_arn                   = aws_cloudwatch_event_connection.app[0].arn
}

resource "aws_cloudwatch_event_rule" "finalize_due" {
  count = local.finalize_via_api_destination ? 1 : 0

  name                = "${var.name}-finalize-due"
  description         = "Triggers ${var.name} finalization of due slots"
  schedule_expression = local.finalize_schedule
  state               = "ENABLED"
}

data "aws_iam_policy_document" "events_trust" {
  count = local.finalize_via_api_destination ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "events_invoke" {
  count = local.finalize_via_api_destination ? 1 : 0

  name               = "${var.name}-events-invoke-finalize"
  assume_role_policy = data.aws_iam_policy_document.events_trust[0].json
}

data "aws_iam_policy_document" "events_invoke" {
  count = local.finalize_via_api_destination ? 1 : 0

  statement {
    sid       = "InvokeFinalizeDue"
    actions   = ["events:InvokeApiDestination"]
    resources = [aws_cloudwatch_event_api_destination.finalize_due[0].arn]
  }
}

resource "aws_iam_role_policy" "events_invoke" {
  count = local.finalize_via_api_destination ? 1 : 0

  name   = "invoke-${var.name}-finalize-due"
  role   = aws_iam_role.events_invoke[0].id
  policy = data.aws_iam_policy_document.events_invoke[0].json
}

resource "aws_cloudwatch_event_target" "finalize_due" {
  count = local.finalize_via_api_destination ? 1 : 0

  rule     = aws_cloudwatch_event_rule.finalize_due[0].name
  arn      = aws_cloudwatch_event_api_destination.finalize_due[0].arn
  role_arn = aws_iam_role.events_invoke[0].arn
  # The endpoint takes no body; the work is "whatever is due now".
  input = "{}"

  # Short retries: the next scheduled run comes soon anyway, and finalization is idempotent.
  retry_policy {
    maximum_event_age_in_seconds = 300
    maximum_retry_attempts       = 3
  }
}

# --- Lambda: EventBridge Scheduler invokes the function directly -----------------------------------

data "aws_iam_policy_document" "scheduler_trust" {
  count = local.finalize_via_scheduler ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    # Only schedules of this account may use the role (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler_invoke" {
  count = local.finalize_via_scheduler ? 1 : 0

  name               = "${var.name}-scheduler-invoke"
  assume_role_policy = data.aws_iam_policy_document.scheduler_trust[0].json
}

data "aws_iam_policy_document" "scheduler_invoke" {
  count = local.finalize_via_scheduler ? 1 : 0

  statement {
    sid       = "InvokeTheFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.app[0].arn]
  }
}

resource "aws_iam_role_policy" "scheduler_invoke" {
  count = local.finalize_via_scheduler ? 1 : 0

  name   = "invoke-${var.name}-finalize-due"
  role   = aws_iam_role.scheduler_invoke[0].id
  policy = data.aws_iam_policy_document.scheduler_invoke[0].json
}

# Its own group, so the failure alarm and the dashboard count this schedule's invocations only
# (Scheduler's metrics are per group).
resource "aws_scheduler_schedule_group" "app" {
  count = local.finalize_via_scheduler ? 1 : 0

  name = var.name
}

resource "aws_scheduler_schedule" "finalize_due" {
  #checkov:skip=CKV_AWS_297:The schedule's input is a constant ({"mealvote":"finalize-due"}), no secret; Scheduler encrypts it with an AWS-owned key, and a customer-managed key would add $1/month.
  count = local.finalize_via_scheduler ? 1 : 0

  name                = "${var.name}-finalize-due"
  group_name          = aws_scheduler_schedule_group.app[0].name
  description         = "Closes every slot of ${var.name} whose deadline has passed"
  schedule_expression = local.finalize_schedule
  state               = "ENABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.app[0].arn
    role_arn = aws_iam_role.scheduler_invoke[0].arn
    # The Lambda Web Adapter passes it to the app as POST /internal/events (lambda.tf).
    input = jsonencode({ mealvote = "finalize-due" })

    # Short retries: the next scheduled run comes soon anyway, and finalization is idempotent.
    retry_policy {
      maximum_event_age_in_seconds = 300
      maximum_retry_attempts       = 3
    }
  }
}
