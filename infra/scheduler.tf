# Every 15 minutes EventBridge calls POST /internal/finalize-due so results are announced without a
# visitor (docs/architecture.md, decision 2). API destinations wait at most 5 s for a response, retry on 5xx
# and 429, and keep the secret in an EventBridge-managed Secrets Manager secret whose cost is
# included in the API destination price:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html

resource "aws_cloudwatch_event_connection" "app" {
  name               = "${var.name}-finalize"
  description        = "Sends x-finalize-secret to ${var.app_domain}"
  authorization_type = "API_KEY"

  auth_parameters {
    api_key {
      key   = "x-finalize-secret"
      value = random_password.finalize.result
    }
  }
}

resource "aws_cloudwatch_event_api_destination" "finalize_due" {
  name                             = "${var.name}-finalize-due"
  description                      = "Closes every slot whose deadline has passed"
  invocation_endpoint              = "${local.app_url}/internal/finalize-due"
  http_method                      = "POST"
  invocation_rate_limit_per_second = 1
  connection_arn                   = aws_cloudwatch_event_connection.app.arn
}

resource "aws_cloudwatch_event_rule" "finalize_due" {
  name                = "${var.name}-finalize-due"
  description         = "Triggers ${var.name} finalization of due slots"
  schedule_expression = var.finalize_schedule
  state               = "ENABLED"
}

data "aws_iam_policy_document" "events_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "events_invoke" {
  name               = "${var.name}-events-invoke-finalize"
  assume_role_policy = data.aws_iam_policy_document.events_trust.json
}

data "aws_iam_policy_document" "events_invoke" {
  statement {
    sid       = "InvokeFinalizeDue"
    actions   = ["events:InvokeApiDestination"]
    resources = [aws_cloudwatch_event_api_destination.finalize_due.arn]
  }
}

resource "aws_iam_role_policy" "events_invoke" {
  name   = "invoke-${var.name}-finalize-due"
  role   = aws_iam_role.events_invoke.id
  policy = data.aws_iam_policy_document.events_invoke.json
}

resource "aws_cloudwatch_event_target" "finalize_due" {
  rule     = aws_cloudwatch_event_rule.finalize_due.name
  arn      = aws_cloudwatch_event_api_destination.finalize_due.arn
  role_arn = aws_iam_role.events_invoke.arn
  # The endpoint takes no body; the work is "whatever is due now".
  input = "{}"

  # Short retries: the next scheduled run comes soon anyway, and finalization is idempotent.
  retry_policy {
    maximum_event_age_in_seconds = 300
    maximum_retry_attempts       = 3
  }
}
