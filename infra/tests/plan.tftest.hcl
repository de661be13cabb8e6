# `terraform test` (scripts/test-infra): every compute × database combination, the zone apex, no
# reserved concurrency and a secrets rotation, each PLANNED against hashicorp/aws with a mocked
# provider (no AWS account): the plan evaluates every expression, precondition, check and
# provider schema type the way a real plan would, with made-up values for what AWS would compute.
# The policy assertions (no secret in any environment) run on every combination.

mock_provider "aws" {
  # Computed attributes get the mocked values already at plan time, so count/for_each over them
  # and the assertions below see values rather than "known after apply".
  override_during = plan

  mock_data "aws_route53_zone" {
    defaults = {
      name    = "example.com."
      zone_id = "Z0123456789EXAMPLE"
    }
  }
  mock_data "aws_availability_zones" {
    defaults = {
      zone_ids = ["use1-az1", "use1-az2"]
      names    = ["us-east-1a", "us-east-1b"]
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_data "aws_secretsmanager_random_password" {
    defaults = {
      random_password = "MockFinalizeSecretMockFinalizeSecretMockFinalize"
    }
  }
  # A real plan knows an ACM certificate's validation options (the provider derives them from the
  # domain names); the mock must say what they look like.
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/mock"
      domain_validation_options = [{
        domain_name           = "vote.example.com"
        resource_record_name  = "_abc.vote.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_def.acm-validations.aws."
      }]
    }
  }
  # A real plan on fresh state does NOT know these (App Runner returns them after creating the
  # association), which is why the first App Runner deployment applies in two steps (deploy.sh).
  mock_resource "aws_apprunner_custom_domain_association" {
    defaults = {
      dns_target = "abc123.us-east-1.awsapprunner.com"
      certificate_validation_records = [{
        name   = "_abc.vote.example.com."
        type   = "CNAME"
        value  = "_def.acm-validations.aws."
        status = "PENDING_VALIDATION"
      }]
    }
  }
  mock_resource "aws_ssm_parameter" {
    defaults = {
      arn = "arn:aws:ssm:us-east-1:123456789012:parameter/mealvote/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:mealvote"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mealvote/invocations"
    }
  }
  # Amazon assigns the VPC's IPv6 /56 (Lambda); the subnets' /64s are cut from it at plan time.
  mock_resource "aws_vpc" {
    defaults = {
      ipv6_cidr_block = "2600:1f18:1234:ab00::/56"
    }
  }
  mock_resource "aws_db_instance" {
    defaults = {
      address     = "mealvote.abc123.us-east-1.rds.amazonaws.com"
      resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXY"
    }
  }
  mock_resource "aws_rds_cluster" {
    defaults = {
      endpoint            = "mealvote.cluster-abc123.us-east-1.rds.amazonaws.com"
      cluster_resource_id = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY"
    }
  }
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan

  # A real plan knows an ACM certificate's validation options (the provider derives them from the
  # domain names); the mock must say what they look like.
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/mock"
      domain_validation_options = [{
        domain_name           = "vote.example.com"
        resource_record_name  = "_abc.vote.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_def.acm-validations.aws."
      }]
    }
  }

  mock_data "aws_route53_zone" {
    defaults = {
      name    = "example.com."
      zone_id = "Z0123456789EXAMPLE"
    }
  }
}

variables {
  image_tag         = "0123456789ab"
  route53_zone_name = "example.com"
  app_domain        = "vote.example.com"
  assets_domain     = "assets.vote.example.com"
  alert_email       = "ops@example.com"
  # What deploy.sh generates (ephemeral: never in the plan).
  db_bootstrap_password = "MockBootstrapPasswordMockBootstrapPassword"
}

# --- the four combinations ------------------------------------------------------------------------

run "apprunner_rds" {
  command = plan

  variables {
    compute  = "apprunner"
    database = "rds"
  }

  assert {
    condition     = length(aws_apprunner_service.app) == 1 && length(aws_lambda_function.app) == 0
    error_message = "App Runner, and only App Runner, runs the app."
  }
  assert {
    condition     = length(aws_db_instance.main) == 1 && length(aws_rds_cluster.main) == 0
    error_message = "RDS, and only RDS, holds the data."
  }
  assert {
    condition     = aws_db_instance.main[0].iam_database_authentication_enabled == true
    error_message = "The app signs in with IAM tokens: IAM database authentication must be on."
  }
  assert {
    condition = alltrue([
      for name in keys(aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables) :
      length(regexall("(?i)password|passwd|secret|token|credential|api_?key", name)) == 0
    ])
    error_message = "A plain App Runner environment variable is named like a secret: secrets are runtime_environment_secrets (SSM references) only."
  }
  assert {
    condition = alltrue([
      for value in values(aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables) :
      length(regexall("://[^/@:]+:[^/@]+@", value)) == 0 && !strcontains(value, "MockFinalizeSecret") && !strcontains(value, "MockBootstrapPassword")
    ])
    error_message = "A plain App Runner environment value carries a password or the finalize secret."
  }
  assert {
    condition = alltrue([
      for arn in values(aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_secrets) :
      startswith(arn, "arn:aws:ssm:")
    ])
    error_message = "App Runner's runtime secrets must be SSM parameter references."
  }
  assert {
    condition     = aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables["MIGRATE_ON_START"] == "true"
    error_message = "App Runner has no one-off invocation: it migrates at start."
  }
  assert {
    condition     = aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables["DATABASE_URL"] == "postgres://mealvote@mealvote.abc123.us-east-1.rds.amazonaws.com:5432/mealvote?sslmode=verify-full&sslrootcert=/etc/ssl/certs/rds-global-bundle.pem"
    error_message = "DATABASE_URL must name the user, host and CA, and carry no password."
  }
  assert {
    condition     = length(aws_cloudwatch_event_api_destination.finalize_due) == 1 && length(aws_scheduler_schedule.finalize_due) == 0
    error_message = "App Runner with RDS: the API destination calls finalize-due every 15 minutes."
  }
  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "25.00"
    error_message = "App Runner + RDS costs about $18.50 a month in daily use; its budget is $25."
  }
  assert {
    condition = (
      length(aws_egress_only_internet_gateway.main) == 0 && length(aws_route_table.private) == 0 &&
      aws_vpc.main.assign_generated_ipv6_cidr_block == false &&
      alltrue([for subnet in aws_subnet.private : subnet.assign_ipv6_address_on_creation == false && subnet.map_public_ip_on_launch == false])
    )
    error_message = "App Runner's VPC connector carries IPv4 only: no IPv6, no egress-only gateway, no route out."
  }
  assert {
    condition = (
      aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables["OUTBOUND"] == "none" &&
      !contains(keys(aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables), "WEBHOOKS_ENABLED") &&
      !contains(keys(aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables), "RECIPE_FETCH")
    )
    error_message = "App Runner reaches nothing outside the VPC: OUTBOUND must be none (which turns webhooks and recipe import off)."
  }
}

run "apprunner_aurora" {
  command = plan

  variables {
    compute  = "apprunner"
    database = "aurora"
  }

  assert {
    condition     = length(aws_rds_cluster.main) == 1 && length(aws_db_instance.main) == 0
    error_message = "Aurora, and only Aurora, holds the data."
  }
  assert {
    condition     = aws_rds_cluster.main[0].iam_database_authentication_enabled == true
    error_message = "The app signs in with IAM tokens: IAM database authentication must be on."
  }
  assert {
    condition     = length(aws_cloudwatch_event_rule.finalize_due) == 0 && length(aws_cloudwatch_metric_alarm.finalize_due_failed) == 0
    error_message = "With Aurora the schedule is off by default: each call would wake the paused database."
  }
  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.apprunner_instance[0].statement :
      statement.actions == toset(["rds-db:connect"]) && statement.resources == toset(["arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY/mealvote"])
    ])
    error_message = "The instance role may connect as the app user of this cluster (its resource ID), and only that."
  }
  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "10.00"
    error_message = "App Runner + Aurora: budget $10."
  }
}

run "lambda_rds" {
  command = plan

  # IDs are unknown in a plan, even mocked; these make the network's references comparable.
  override_resource {
    target          = aws_vpc.main
    override_during = plan
    values          = { id = "vpc-main", ipv6_cidr_block = "2600:1f18:1234:ab00::/56" }
  }
  override_resource {
    target          = aws_subnet.private[0]
    override_during = plan
    values          = { id = "subnet-a" }
  }
  override_resource {
    target          = aws_subnet.private[1]
    override_during = plan
    values          = { id = "subnet-b" }
  }
  override_resource {
    target          = aws_security_group.lambda
    override_during = plan
    values          = { id = "sg-lambda" }
  }
  override_resource {
    target          = aws_egress_only_internet_gateway.main
    override_during = plan
    values          = { id = "eigw-main" }
  }
  override_resource {
    target          = aws_route_table.private
    override_during = plan
    values          = { id = "rtb-private" }
  }

  variables {
    compute  = "lambda"
    database = "rds"
  }

  assert {
    condition     = length(aws_lambda_function.app) == 1 && length(aws_apprunner_service.app) == 0
    error_message = "Lambda, and only Lambda, runs the app."
  }
  assert {
    condition = alltrue([
      for name in keys(aws_lambda_function.app[0].environment[0].variables) :
      length(regexall("(?i)password|passwd|secret|token|credential|api_?key", name)) == 0
    ])
    error_message = "The function's environment has a variable named like a secret: Lambda's configuration must hold none."
  }
  assert {
    condition = alltrue([
      for value in values(aws_lambda_function.app[0].environment[0].variables) :
      length(regexall("://[^/@:]+:[^/@]+@", value)) == 0 && !strcontains(value, "MockFinalizeSecret") && !strcontains(value, "MockBootstrapPassword")
    ])
    error_message = "The function's environment carries a password or the finalize secret."
  }
  assert {
    condition = (
      aws_lambda_function.app[0].environment[0].variables["AWS_LWA_HOST"] == "127.0.0.1" &&
      aws_lambda_function.app[0].environment[0].variables["AWS_LWA_PORT"] == "8080" &&
      aws_lambda_function.app[0].environment[0].variables["AWS_LWA_PASS_THROUGH_PATH"] == "/internal/events" &&
      aws_lambda_function.app[0].environment[0].variables["INTERNAL_EVENTS"] == "lambda" &&
      aws_lambda_function.app[0].environment[0].variables["CLIENT_IP_SOURCE"] == "lambda-request-context" &&
      aws_lambda_function.app[0].environment[0].variables["MIGRATE_ON_START"] == "false" &&
      aws_lambda_function.app[0].environment[0].variables["DATABASE_IAM_AUTH"] == "true" &&
      !contains(keys(aws_lambda_function.app[0].environment[0].variables), "BEHIND_PROXY")
    )
    error_message = "The Lambda environment must set the adapter's target, the pass-through path, internal events, the client address source, IAM auth and no start-up migration."
  }
  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.lambda[0].statement :
      statement.actions == toset(["rds-db:connect"]) && statement.resources == toset(["arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY/mealvote"])
    ])
    error_message = "The function's role may connect as the app user of this instance (its resource ID)."
  }
  assert {
    condition     = aws_apigatewayv2_api.app[0].disable_execute_api_endpoint == true
    error_message = "The default execute-api endpoint must be off: the custom domain is the only way in."
  }
  assert {
    condition     = aws_apigatewayv2_route.internal[0].route_key == "ANY /internal/{proxy+}" && aws_apigatewayv2_route.internal[0].authorization_type == "AWS_IAM"
    error_message = "/internal/* must be IAM-authorized at API Gateway."
  }
  assert {
    condition     = length(aws_scheduler_schedule.finalize_due) == 1 && length(aws_cloudwatch_event_connection.app) == 0 && length(aws_ssm_parameter.finalize_secret) == 0
    error_message = "Lambda with RDS: Scheduler invokes the function directly; no connection, no shared secret."
  }
  assert {
    condition     = jsondecode(aws_scheduler_schedule.finalize_due[0].target[0].input) == { mealvote = "finalize-due" } && aws_scheduler_schedule.finalize_due[0].target[0].arn == aws_lambda_function.app[0].arn
    error_message = "The schedule must invoke the function with {\"mealvote\":\"finalize-due\"}."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.finalize_due_failed[0].namespace == "AWS/Scheduler" && aws_cloudwatch_metric_alarm.finalize_due_failed[0].dimensions["ScheduleGroup"] == aws_scheduler_schedule.finalize_due[0].group_name
    error_message = "The finalize alarm must watch this schedule's own group."
  }
  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "20.00"
    error_message = "Lambda + RDS: budget $20."
  }
  assert {
    condition     = aws_lambda_function.app[0].vpc_config[0].ipv6_allowed_for_dual_stack == true
    error_message = "The function must be allowed outbound IPv6 in its dual-stack subnets: its only way out."
  }
  assert {
    condition = (
      aws_vpc.main.assign_generated_ipv6_cidr_block == true &&
      alltrue([for index, subnet in aws_subnet.private :
        subnet.ipv6_cidr_block == cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, index) &&
        subnet.assign_ipv6_address_on_creation == true && subnet.map_public_ip_on_launch == false
      ])
    )
    error_message = "The VPC gets an Amazon-provided /56 and each of the function's subnets a /64 of it, with no public IPv4."
  }
  assert {
    condition = (
      length(aws_egress_only_internet_gateway.main) == 1 &&
      aws_egress_only_internet_gateway.main[0].vpc_id == aws_vpc.main.id &&
      length(aws_route_table.private[0].route) == 1 &&
      alltrue([for route in aws_route_table.private[0].route :
        route.ipv6_cidr_block == "::/0" && route.egress_only_gateway_id == aws_egress_only_internet_gateway.main[0].id &&
        (route.cidr_block == null || route.cidr_block == "") &&
        (route.gateway_id == null || route.gateway_id == "") &&
        (route.nat_gateway_id == null || route.nat_gateway_id == "")
      ])
    )
    error_message = "The function's subnets route ::/0 to the egress-only internet gateway, and nothing else out (no 0.0.0.0/0)."
  }
  assert {
    condition = (
      sort([for association in aws_route_table_association.private : association.subnet_id]) == sort(aws_subnet.private[*].id) &&
      alltrue([for association in aws_route_table_association.private : association.route_table_id == aws_route_table.private[0].id])
    )
    error_message = "Every subnet the function runs in must use the route table with the IPv6 default route."
  }
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.lambda_https_ipv6[0].security_group_id == aws_security_group.lambda[0].id &&
      aws_vpc_security_group_egress_rule.lambda_https_ipv6[0].cidr_ipv6 == "::/0" &&
      aws_vpc_security_group_egress_rule.lambda_https_ipv6[0].cidr_ipv4 == null &&
      aws_vpc_security_group_egress_rule.lambda_https_ipv6[0].from_port == 443 &&
      aws_vpc_security_group_egress_rule.lambda_https_ipv6[0].to_port == 443
    )
    error_message = "The function may open HTTPS (443) over IPv6 to the internet, and no other port or IPv4 range."
  }
  assert {
    condition = (
      aws_lambda_function.app[0].environment[0].variables["OUTBOUND"] == "ipv6" &&
      aws_lambda_function.app[0].environment[0].variables["WEBHOOKS_ENABLED"] == "true" &&
      aws_lambda_function.app[0].environment[0].variables["RECIPE_FETCH"] == "true"
    )
    error_message = "Lambda reaches the internet over IPv6 only: OUTBOUND=ipv6, with webhooks (the schedule delivers them) and recipe import on."
  }
}

run "lambda_aurora" {
  command = plan

  variables {
    compute  = "lambda"
    database = "aurora"
  }

  assert {
    condition     = length(aws_lambda_function.app) == 1 && length(aws_rds_cluster.main) == 1
    error_message = "Lambda with Aurora."
  }
  assert {
    condition = alltrue([
      for value in values(aws_lambda_function.app[0].environment[0].variables) :
      length(regexall("://[^/@:]+:[^/@]+@", value)) == 0
    ])
    error_message = "The function's environment carries a password."
  }
  assert {
    condition     = strcontains(aws_lambda_function.app[0].environment[0].variables["DATABASE_URL"], "postgres://mealvote@mealvote.cluster-abc123.us-east-1.rds.amazonaws.com:5432/")
    error_message = "DATABASE_URL must point at the cluster, without a password."
  }
  assert {
    condition     = length(aws_scheduler_schedule.finalize_due) == 0
    error_message = "With Aurora the schedule is off by default: each call would wake the paused database."
  }
  assert {
    condition = (
      aws_lambda_function.app[0].environment[0].variables["OUTBOUND"] == "ipv6" &&
      aws_lambda_function.app[0].environment[0].variables["WEBHOOKS_ENABLED"] == "false" &&
      length(aws_egress_only_internet_gateway.main) == 1
    )
    error_message = "Without a schedule nothing would ever deliver a webhook: Lambda + Aurora keeps them off (the way out stays, for recipe import)."
  }
  assert {
    condition = (
      tonumber(aws_lambda_function.app[0].environment[0].variables["DATABASE_IDLE_TIMEOUT_SECS"]) * 1000 <
      tonumber(one([for p in aws_rds_cluster_parameter_group.main[0].parameter : p.value if p.name == "idle_session_timeout"]))
    )
    error_message = "The pool must close idle connections before Aurora ends idle sessions, or the next request gets a dead one."
  }
  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "5.00"
    error_message = "Lambda + Aurora: budget $5."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.app_5xx) == 0
    error_message = "The Metrics Insights alarm is outside the free tier: off by default."
  }
}

# --- the zone apex, no reserved concurrency, a rotation -------------------------------------------

run "apex_domain_lambda" {
  command = plan

  variables {
    compute       = "lambda"
    database      = "aurora"
    app_domain    = "example.com"
    assets_domain = "assets.example.com"
  }

  assert {
    condition     = aws_route53_record.app_lambda[0].name == "example.com" && aws_route53_record.app_lambda[0].type == "A"
    error_message = "The apex gets an alias A record."
  }
}

run "apex_domain_apprunner" {
  command = plan

  variables {
    compute       = "apprunner"
    database      = "rds"
    app_domain    = "example.com"
    assets_domain = "assets.example.com"
  }

  assert {
    condition     = length(aws_route53_record.app_apex) == 1 && length(aws_route53_record.app) == 0
    error_message = "The apex gets an alias A record, not a CNAME."
  }
}

run "no_reserved_concurrency" {
  command = plan

  variables {
    compute                     = "lambda"
    database                    = "aurora"
    lambda_reserved_concurrency = null
  }

  assert {
    condition     = aws_lambda_function.app[0].reserved_concurrent_executions == -1
    error_message = "null reserves nothing (-1)."
  }
}

run "rotation_apprunner" {
  command = plan

  variables {
    compute                 = "apprunner"
    database                = "rds"
    db_credentials_version  = 2
    finalize_secret_version = 2
  }

  assert {
    condition     = aws_db_instance.main[0].password_wo_version == 2 && aws_ssm_parameter.db_bootstrap_password.value_wo_version == 2
    error_message = "A new db_credentials_version sends the new password to the database and its parameter in the same apply."
  }
  assert {
    condition     = aws_ssm_parameter.finalize_secret[0].value_wo_version == 2
    error_message = "A new finalize_secret_version rewrites the finalize secret's parameter."
  }
  assert {
    condition     = aws_apprunner_service.app[0].source_configuration[0].image_repository[0].image_configuration[0].runtime_environment_variables["ROTATION_VERSION"] == "db2-finalize2"
    error_message = "A rotation must change App Runner's configuration, or it never reads the new secrets."
  }
}

run "rotation_lambda_aurora" {
  command = plan

  variables {
    compute                = "lambda"
    database               = "aurora"
    db_credentials_version = 3
  }

  assert {
    condition     = aws_rds_cluster.main[0].master_password_wo_version == 3 && aws_ssm_parameter.db_bootstrap_password.value_wo_version == 3
    error_message = "A new db_credentials_version sends the new password to the cluster and its parameter in the same apply."
  }
}

# --- what the plan must refuse ---------------------------------------------------------------------

run "too_much_reserved_concurrency" {
  command = plan

  variables {
    compute                     = "lambda"
    database                    = "rds"
    lambda_reserved_concurrency = 40
  }

  expect_failures = [aws_lambda_function.app, check.connections_fit_the_database]
}

run "invalid_reserved_concurrency" {
  command = plan

  variables {
    compute                     = "lambda"
    lambda_reserved_concurrency = 0
  }

  expect_failures = [var.lambda_reserved_concurrency]
}

run "invalid_schedule" {
  command = plan

  variables {
    finalize_schedule = "rate(7 minutes)"
  }

  expect_failures = [var.finalize_schedule]
}
