# The app on App Runner (compute = "apprunner", the default): 0.25 vCPU / 0.5 GB, one instance always
# provisioned (idle instances bill memory only), a second one under load, egress into the VPC for
# the database, public ingress. App Runner is closed to new AWS customers since 2026-04-30:
# infra/deploy.sh checks the account before creating anything and points at compute = "lambda".

locals {
  apprunner_environment = merge(
    local.app_environment,
    {
      # App Runner's front end appends the client address to X-Forwarded-For; per-IP rate limits
      # must use that, not the proxy's socket address.
      BEHIND_PROXY = "true"
      # The region the app signs its IAM database tokens for (the credentials are the instance
      # role's). Only names starting with AWSAPPRUNNER are reserved:
      # https://docs.aws.amazon.com/apprunner/latest/api/API_ImageConfiguration.html
      AWS_REGION = var.region
      # App Runner's VPC connector carries IPv4 only and the VPC has no NAT (network.tf): nothing
      # reaches the internet, so webhooks, recipe import and Web Push are off (the server refuses
      # to turn any of them on with this setting).
      OUTBOUND = "none"
      # No one-off invocation exists on App Runner, so each new instance migrates at start; the RDS
      # instance is always on and an Aurora that is paused would be woken by the first request
      # anyway, so start-up migration costs no extra wake-up beyond a deploy's.
      MIGRATE_ON_START = "true"
      # Not read by the app: a new value makes the service redeploy in the apply that rotates a
      # secret, because App Runner reads secrets only when it deploys (secrets.tf).
      ROTATION_VERSION = local.secrets_version
    },
    # App Runner runs an X-Ray collector (ADOT) beside the container and documents OTLP/gRPC on
    # localhost:4317; the app's exporter speaks gRPC when told so (server/src/telemetry/otlp.rs):
    # https://docs.aws.amazon.com/apprunner/latest/dg/monitor-xray.html
    var.enable_xray_tracing ? {
      OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4317"
      OTEL_EXPORTER_OTLP_PROTOCOL = "grpc"
      OTEL_SERVICE_NAME           = var.name
    } : {},
  )
}

# --- IAM -----------------------------------------------------------------------------------------

# Access role: lets App Runner pull this repository's images (and nothing else).
# https://docs.aws.amazon.com/apprunner/latest/dg/security_iam_service-with-iam.html#security_iam_service-with-iam-roles-service.access
data "aws_iam_policy_document" "apprunner_access_trust" {
  count = local.use_apprunner ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["build.apprunner.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "apprunner_access" {
  count = local.use_apprunner ? 1 : 0

  name               = "${var.name}-apprunner-ecr-access"
  assume_role_policy = data.aws_iam_policy_document.apprunner_access_trust[0].json
}

data "aws_iam_policy_document" "apprunner_access" {
  count = local.use_apprunner ? 1 : 0

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
  count = local.use_apprunner ? 1 : 0

  name   = "pull-${var.name}-images"
  role   = aws_iam_role.apprunner_access[0].id
  policy = data.aws_iam_policy_document.apprunner_access[0].json
}

# Instance role: reading its own two parameters, which App Runner does on the app's behalf at
# deployment (with the AWS-managed aws/ssm key, the key policy already allows decryption through SSM
# for principals allowed to call SSM), and signing in to its database user with IAM tokens, which
# the app signs locally.
data "aws_iam_policy_document" "apprunner_instance_trust" {
  count = local.use_apprunner ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["tasks.apprunner.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "apprunner_instance" {
  count = local.use_apprunner ? 1 : 0

  name               = "${var.name}-apprunner-instance"
  assume_role_policy = data.aws_iam_policy_document.apprunner_instance_trust[0].json
}

data "aws_iam_policy_document" "apprunner_instance" {
  count = local.use_apprunner ? 1 : 0

  statement {
    sid     = "ReadOwnParameters"
    actions = ["ssm:GetParameters"]
    resources = [
      aws_ssm_parameter.db_bootstrap_password.arn,
      aws_ssm_parameter.finalize_secret[0].arn,
    ]
  }

  statement {
    sid       = "ConnectAsAppUser"
    actions   = ["rds-db:connect"]
    resources = [local.db_connect_arn]
  }
}

resource "aws_iam_role_policy" "apprunner_instance" {
  count = local.use_apprunner ? 1 : 0

  name   = "${var.name}-parameters-and-database"
  role   = aws_iam_role.apprunner_instance[0].id
  policy = data.aws_iam_policy_document.apprunner_instance[0].json
}

resource "aws_iam_role_policy_attachment" "apprunner_instance_xray" {
  count = local.use_apprunner && var.enable_xray_tracing ? 1 : 0

  role       = aws_iam_role.apprunner_instance[0].name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# --- Service -------------------------------------------------------------------------------------

resource "aws_apprunner_vpc_connector" "main" {
  count = local.use_apprunner ? 1 : 0

  vpc_connector_name = "${var.name}-connector"
  subnets            = aws_subnet.private[*].id
  security_groups    = [aws_security_group.connector[0].id]
}

# Revisions are immutable and a service must always point at one: create the new revision before
# the old one is deleted. https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html
resource "aws_apprunner_auto_scaling_configuration_version" "main" {
  count = local.use_apprunner ? 1 : 0

  auto_scaling_configuration_name = "${var.name}-scaling"
  min_size                        = 1
  max_size                        = 2
  max_concurrency                 = 100

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_apprunner_observability_configuration" "xray" {
  count = local.use_apprunner && var.enable_xray_tracing ? 1 : 0

  observability_configuration_name = "${var.name}-xray"

  trace_configuration {
    vendor = "AWSXRAY"
  }
}

resource "aws_apprunner_service" "app" {
  count = local.use_apprunner ? 1 : 0

  service_name                   = var.name
  auto_scaling_configuration_arn = aws_apprunner_auto_scaling_configuration_version.main[0].arn

  source_configuration {
    # Deployments happen only when Terraform changes image_tag (deploy.sh), never on every push.
    auto_deployments_enabled = false

    authentication_configuration {
      access_role_arn = aws_iam_role.apprunner_access[0].arn
    }

    image_repository {
      image_identifier      = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
      image_repository_type = "ECR"

      image_configuration {
        port                          = "8080"
        runtime_environment_variables = local.apprunner_environment
        # References, resolved by App Runner outside the VPC at deployment; the service's
        # configuration holds only the parameter ARNs.
        runtime_environment_secrets = {
          FINALIZE_SECRET             = aws_ssm_parameter.finalize_secret[0].arn
          DATABASE_BOOTSTRAP_PASSWORD = aws_ssm_parameter.db_bootstrap_password.arn
        }
      }
    }
  }

  instance_configuration {
    cpu               = "256"
    memory            = "512"
    instance_role_arn = aws_iam_role.apprunner_instance[0].arn
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
      vpc_connector_arn = aws_apprunner_vpc_connector.main[0].arn
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
  count = local.use_apprunner ? 1 : 0

  domain_name          = var.app_domain
  service_arn          = aws_apprunner_service.app[0].arn
  enable_www_subdomain = false
}

# A subdomain gets a CNAME; the zone apex cannot hold one, so it gets an alias A record to App
# Runner's regional hosted zone, which Route 53 supports for App Runner targets:
# https://docs.aws.amazon.com/apprunner/latest/dg/manage-custom-domains-route53.html
data "aws_apprunner_hosted_zone_id" "main" {
  count = local.use_apprunner && local.app_domain_is_apex ? 1 : 0

  region = var.region
}

resource "aws_route53_record" "app" {
  count = local.use_apprunner && !local.app_domain_is_apex ? 1 : 0

  zone_id = data.aws_route53_zone.main.zone_id
  name    = var.app_domain
  type    = "CNAME"
  ttl     = 300
  records = [aws_apprunner_custom_domain_association.app[0].dns_target]
}

resource "aws_route53_record" "app_apex" {
  count = local.use_apprunner && local.app_domain_is_apex ? 1 : 0

  zone_id = data.aws_route53_zone.main.zone_id
  name    = var.app_domain
  type    = "A"

  alias {
    name                   = aws_apprunner_custom_domain_association.app[0].dns_target
    zone_id                = data.aws_apprunner_hosted_zone_id.main[0].id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "app_validation" {
  for_each = local.use_apprunner ? {
    for record in aws_apprunner_custom_domain_association.app[0].certificate_validation_records :
    record.name => record
  } : {}

  zone_id         = data.aws_route53_zone.main.zone_id
  name            = each.value.name
  type            = each.value.type
  ttl             = 300
  records         = [each.value.value]
  allow_overwrite = true
}
