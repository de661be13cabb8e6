# The app on App Runner: 0.25 vCPU / 0.5 GB, one instance always provisioned (idle instances bill
# memory only), a second one under load, egress into the VPC for the database, public ingress.
# App Runner is closed to new AWS customers since 2026-04-30; see infra/README.md for how to check
# an account and for the alternative target.

locals {
  app_url    = "https://${var.app_domain}"
  assets_url = "https://${var.assets_domain}"

  # Everything the app reads besides its two secrets (docs/architecture.md, decision 7: configured by
  # environment only, so the same image runs on any container platform).
  app_environment = merge(
    {
      # The server binds 127.0.0.1 unless told otherwise (the image also sets this).
      HOST = "0.0.0.0"
      # App Runner also sets PORT from image_configuration.port; stated for other platforms' parity.
      PORT            = "8080"
      PUBLIC_BASE_URL = local.app_url
      ASSETS_BASE_URL = local.assets_url
      LOG_FORMAT      = "json"
      # App Runner's front end terminates TLS and appends the client address to X-Forwarded-For;
      # per-IP rate limits must use that, not the proxy's socket address.
      BEHIND_PROXY = "true"
      # EventBridge drives finalization (scheduler.tf); App Runner throttles idle CPU, so an
      # in-process ticker would stall exactly when nobody is using the app (decision 2).
      TICKER_INTERVAL_SECS = "0"
      # Egress goes through the VPC connector and the VPC has no NAT (decision 1): a webhook
      # could never reach the internet, so none is offered (docs/notifications.md).
      WEBHOOKS_ENABLED = "false"
    },
    # App Runner runs the X-Ray collector beside the container and expects OTLP on localhost:
    # https://docs.aws.amazon.com/apprunner/latest/dg/monitor-xray.html
    var.enable_xray_tracing ? {
      OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4317"
      OTEL_SERVICE_NAME           = var.name
      OTEL_PROPAGATORS            = "xray"
    } : {},
  )
}

# --- IAM -----------------------------------------------------------------------------------------

# Access role: lets App Runner pull this repository's images (and nothing else).
# https://docs.aws.amazon.com/apprunner/latest/dg/security_iam_service-with-iam.html#security_iam_service-with-iam-roles-service.access
data "aws_iam_policy_document" "apprunner_access_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["build.apprunner.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "apprunner_access" {
  name               = "${var.name}-apprunner-ecr-access"
  assume_role_policy = data.aws_iam_policy_document.apprunner_access_trust.json
}

data "aws_iam_policy_document" "apprunner_access" {
  statement {
    sid = "PullThisRepository"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [aws_ecr_repository.app.arn]
  }

  statement {
    # GetAuthorizationToken has no resource-level permissions.
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "apprunner_access" {
  name   = "pull-${var.name}-images"
  role   = aws_iam_role.apprunner_access.id
  policy = data.aws_iam_policy_document.apprunner_access.json
}

# Instance role: the only AWS permission of the running service is reading its own two parameters,
# which App Runner does on the app's behalf at deployment. With the AWS-managed aws/ssm key, the key
# policy already allows decryption through SSM for principals allowed to call SSM.
data "aws_iam_policy_document" "apprunner_instance_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["tasks.apprunner.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "apprunner_instance" {
  name               = "${var.name}-apprunner-instance"
  assume_role_policy = data.aws_iam_policy_document.apprunner_instance_trust.json
}

data "aws_iam_policy_document" "apprunner_instance" {
  statement {
    sid     = "ReadOwnParameters"
    actions = ["ssm:GetParameters"]
    resources = [
      aws_ssm_parameter.database_url.arn,
      aws_ssm_parameter.finalize_secret.arn,
    ]
  }
}

resource "aws_iam_role_policy" "apprunner_instance" {
  name   = "read-${var.name}-parameters"
  role   = aws_iam_role.apprunner_instance.id
  policy = data.aws_iam_policy_document.apprunner_instance.json
}

resource "aws_iam_role_policy_attachment" "apprunner_instance_xray" {
  count = var.enable_xray_tracing ? 1 : 0

  role       = aws_iam_role.apprunner_instance.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# --- Service -------------------------------------------------------------------------------------

resource "aws_apprunner_vpc_connector" "main" {
  vpc_connector_name = "${var.name}-connector"
  subnets            = aws_subnet.private[*].id
  security_groups    = [aws_security_group.connector.id]
}

# Revisions are immutable and a service must always point at one: create the new revision before
# the old one is deleted. https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html
resource "aws_apprunner_auto_scaling_configuration_version" "main" {
  auto_scaling_configuration_name = "${var.name}-min1-max2"
  min_size                        = 1
  max_size                        = 2
  max_concurrency                 = 100

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_apprunner_observability_configuration" "xray" {
  count = var.enable_xray_tracing ? 1 : 0

  observability_configuration_name = "${var.name}-xray"

  trace_configuration {
    vendor = "AWSXRAY"
  }
}

resource "aws_apprunner_service" "app" {
  service_name                   = var.name
  auto_scaling_configuration_arn = aws_apprunner_auto_scaling_configuration_version.main.arn

  source_configuration {
    # Deployments happen only when Terraform changes image_tag (deploy.sh), never on every push.
    auto_deployments_enabled = false

    authentication_configuration {
      access_role_arn = aws_iam_role.apprunner_access.arn
    }

    image_repository {
      image_identifier      = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
      image_repository_type = "ECR"

      image_configuration {
        port                          = "8080"
        runtime_environment_variables = local.app_environment
        runtime_environment_secrets = {
          DATABASE_URL    = aws_ssm_parameter.database_url.arn
          FINALIZE_SECRET = aws_ssm_parameter.finalize_secret.arn
        }
      }
    }
  }

  instance_configuration {
    cpu               = "256"
    memory            = "512"
    instance_role_arn = aws_iam_role.apprunner_instance.arn
  }

  # /healthz never touches the database (decision 7), so a database hiccup does not make App Runner
  # replace healthy instances.
  health_check_configuration {
    protocol            = "HTTP"
    path                = "/healthz"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 1
    unhealthy_threshold = 3
  }

  network_configuration {
    ingress_configuration {
      is_publicly_accessible = true
    }

    egress_configuration {
      egress_type       = "VPC"
      vpc_connector_arn = aws_apprunner_vpc_connector.main.arn
    }
  }

  dynamic "observability_configuration" {
    for_each = var.enable_xray_tracing ? [1] : []

    content {
      observability_enabled           = true
      observability_configuration_arn = aws_apprunner_observability_configuration.xray[0].arn
    }
  }

  # App Runner validates both roles when the service is created; IAM must have them first.
  depends_on = [
    aws_iam_role_policy.apprunner_access,
    aws_iam_role_policy.apprunner_instance,
  ]
}

# --- Custom domain -------------------------------------------------------------------------------

# App Runner issues the certificate itself and hands back the DNS records that prove ownership.
# Those records are only known after the association exists, so the first deployment applies in
# two steps (deploy.sh does it): `-target=aws_apprunner_custom_domain_association.app`, then all.
# https://docs.aws.amazon.com/apprunner/latest/dg/manage-custom-domains.html
resource "aws_apprunner_custom_domain_association" "app" {
  domain_name          = var.app_domain
  service_arn          = aws_apprunner_service.app.arn
  enable_www_subdomain = false

  lifecycle {
    precondition {
      condition     = endswith(var.app_domain, ".${local.zone_name}")
      error_message = "app_domain must be a subdomain of route53_zone_name."
    }
  }
}

resource "aws_route53_record" "app" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = var.app_domain
  type    = "CNAME"
  ttl     = 300
  records = [aws_apprunner_custom_domain_association.app.dns_target]
}

resource "aws_route53_record" "app_validation" {
  for_each = {
    for record in aws_apprunner_custom_domain_association.app.certificate_validation_records :
    record.name => record
  }

  zone_id         = data.aws_route53_zone.main.zone_id
  name            = each.value.name
  type            = each.value.type
  ttl             = 300
  records         = [each.value.value]
  allow_overwrite = true
}
