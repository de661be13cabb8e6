# The app on Lambda (compute = "lambda"): the same image as App Runner, run by the AWS Lambda Web
# Adapter that the image already carries in /opt/extensions. It forwards each API Gateway event to
# `mealvote serve` on port 8080 as a plain HTTP request. The function sits in the private subnets
# and reaches the database without NAT; it needs nothing else inside the VPC, because Lambda pulls
# the image, ships the logs (and the EMF metrics in them) and passes the environment outside it.
# https://docs.aws.amazon.com/lambda/latest/dg/images-create.html
# https://github.com/awslabs/aws-lambda-web-adapter

locals {
  lambda_environment = merge(
    local.app_environment,
    {
      # Lambda Web Adapter: the app's port and address (the adapter's target; HOST, where the server
      # listens, stays 0.0.0.0 and the adapter would read it as its target otherwise), and the health
      # path it polls before the first request (the same /healthz App Runner checks, which never
      # touches the database).
      AWS_LWA_PORT                 = "8080"
      AWS_LWA_HOST                 = "127.0.0.1"
      AWS_LWA_READINESS_CHECK_PATH = "/healthz"
      # Events that are not HTTP requests (the schedule's finalize-due, deploy.sh's migrate) reach
      # the app as POST /internal/events with the event as the body. The app serves that route only
      # with INTERNAL_EVENTS=lambda, and refuses it for anything that came through API Gateway (the
      # adapter adds x-amzn-request-context to those, and never to pass-through events).
      AWS_LWA_PASS_THROUGH_PATH = "/internal/events"
      INTERNAL_EVENTS           = "lambda"
      # The client address is requestContext.http.sourceIp, which the adapter forwards in
      # x-amzn-request-context; API Gateway's X-Forwarded-For is not what per-IP limits should trust.
      CLIENT_IP_SOURCE = "lambda-request-context"
      # Migrations are a deploy step (deploy.sh invokes {"mealvote":"migrate"} once), not part of
      # every cold start: a cold start must not wake a paused Aurora for nothing.
      MIGRATE_ON_START = "false"
      # API Gateway gives up after 30 s; answer 408 before that rather than be cut off.
      REQUEST_TIMEOUT_SECS = "28"
      # The way out is IPv6 only (network.tf): a destination without an IPv6 address is refused by
      # name (docs/notifications.md, "What leaves the server, per target"). Webhooks are delivered
      # by the finalize batch, so they are on only while the schedule runs it; recipe import is a
      # request of its own.
      OUTBOUND         = "ipv6"
      WEBHOOKS_ENABLED = local.finalize_enabled ? "true" : "false"
      RECIPE_FETCH     = "true"
    },
  )
}

data "aws_iam_policy_document" "lambda_trust" {
  count = local.use_lambda ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  count = local.use_lambda ? 1 : 0

  name               = "${var.name}-lambda"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust[0].json
}

# Its own log group, signing in to its database user (IAM database authentication: the token is
# signed locally, no call leaves the VPC), and the function's ENIs in the VPC through the AWS-managed
# policy that Lambda documents for that (the EC2 network-interface actions it needs have no
# resource-level permissions): https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
data "aws_iam_policy_document" "lambda" {
  count = local.use_lambda ? 1 : 0

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.lambda[0].arn}:*"]
  }

  statement {
    sid       = "ConnectAsAppUser"
    actions   = ["rds-db:connect"]
    resources = [local.db_connect_arn]
  }
}

resource "aws_iam_role_policy" "lambda" {
  count = local.use_lambda ? 1 : 0

  name   = "${var.name}-logs-and-database"
  role   = aws_iam_role.lambda[0].id
  policy = data.aws_iam_policy_document.lambda[0].json
}

resource "aws_iam_role_policy_attachment" "lambda_vpc" {
  count = local.use_lambda ? 1 : 0

  role       = aws_iam_role.lambda[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "lambda_xray" {
  count = local.use_lambda && var.enable_xray_tracing ? 1 : 0

  role       = aws_iam_role.lambda[0].name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_cloudwatch_log_group" "lambda" {
  #checkov:skip=CKV_AWS_158:Encrypted at rest with the CloudWatch Logs service key; a customer-managed KMS key would add $1/month.
  #checkov:skip=CKV_AWS_338:Retention is deliberately short (log_retention_days, 14 by default) to keep the bill flat.
  count = local.use_lambda ? 1 : 0

  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
}

# Lambda pulls a private image only when the repository policy lets the Lambda service do so for
# this account's functions: https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions
data "aws_iam_policy_document" "ecr_lambda_pull" {
  count = local.use_lambda ? 1 : 0

  statement {
    sid     = "LambdaPull"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "aws:sourceArn"
      values   = ["arn:aws:lambda:${var.region}:${data.aws_caller_identity.current.account_id}:function:${var.name}"]
    }
  }
}

resource "aws_ecr_repository_policy" "lambda_pull" {
  count = local.use_lambda ? 1 : 0

  repository = aws_ecr_repository.app.name
  policy     = data.aws_iam_policy_document.ecr_lambda_pull[0].json
}

resource "aws_lambda_function" "app" {
  #checkov:skip=CKV_AWS_116:The only asynchronous events are the schedule's finalize-due calls: idempotent, and the next one comes at the next interval, so a dead-letter queue would hold nothing worth replaying.
  #checkov:skip=CKV_AWS_173:The environment holds no secret (IAM database authentication, no shared secret) and is encrypted at rest with Lambda's AWS-managed key.
  #checkov:skip=CKV_AWS_272:Code signing applies to .zip packages only; this is a container image from an immutable-tag ECR repository.
  #checkov:skip=CKV_AWS_50:Active tracing is optional (var.enable_xray_tracing) because X-Ray bills per trace.
  count = local.use_lambda ? 1 : 0

  function_name = var.name
  description   = "mealvote ${var.image_tag} behind the Lambda Web Adapter"
  role          = aws_iam_role.lambda[0].arn
  package_type  = "Image"
  image_uri     = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
  # App Runner runs linux/amd64 only, and one image serves both targets.
  architectures = ["x86_64"]
  memory_size   = var.lambda_memory_mb
  # API Gateway HTTP APIs wait at most 30 s for an integration.
  timeout = 30
  # Bounds the connections the function can hold (database_common.tf); -1 reserves nothing.
  reserved_concurrent_executions = coalesce(var.lambda_reserved_concurrency, -1)

  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.lambda[0].id]
    # Outbound IPv6 from the dual-stack subnets, the function's only way out (network.tf):
    # https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
    ipv6_allowed_for_dual_stack = true
  }

  environment {
    variables = local.lambda_environment
  }

  logging_config {
    # Text: stdout lines arrive as written, so JSON log lines and EMF lines stay intact.
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.lambda[0].name
  }

  tracing_config {
    mode = var.enable_xray_tracing ? "Active" : "PassThrough"
  }

  lifecycle {
    precondition {
      # A conditional, not `||`, which Terraform before 1.12 does not short-circuit (null * 2 fails).
      condition     = var.lambda_reserved_concurrency == null ? true : var.lambda_reserved_concurrency * local.app_pool_size <= local.db_connection_budget
      error_message = "lambda_reserved_concurrency × ${local.app_pool_size} connections exceeds the database's connection budget (${local.db_connection_budget})."
    }
  }

  depends_on = [
    aws_iam_role_policy.lambda,
    aws_iam_role_policy_attachment.lambda_vpc,
    aws_ecr_repository_policy.lambda_pull,
  ]
}
