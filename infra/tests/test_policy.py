"""Policy tests for infra/: the cost and security invariants of docs/architecture.md, on the HCL itself
(helpers and the four combinations: hcl.py)."""

from __future__ import annotations

import re

import pytest

from hcl import (
    REPO_ROOT,
    all_resource_types,
    tf_text,
    refers_to,
    block,
    blocks,
    documents,
    COMBINATIONS,
    active,
    active_types,
    dockerfile_path,
    local,
    only,
    resources,
    variable,
)


# --- network: the bills the project exists to avoid ----------------------------------------------


def test_there_is_no_nat_gateway():
    assert "aws_nat_gateway" not in all_resource_types()


def test_the_vpc_has_no_internet_gateway_so_nothing_in_it_is_reachable_from_outside():
    # An egress-only gateway (Lambda's way out) admits no connection from outside; an internet
    # gateway or an Elastic IP would.
    assert "aws_internet_gateway" not in all_resource_types()
    assert not resources("aws_eip")
    for name, gateway in resources("aws_egress_only_internet_gateway").items():
        assert gateway["count"] == "${local.use_lambda ? 1 : 0}", name
    for name, subnet in resources("aws_subnet").items():
        assert subnet["map_public_ip_on_launch"] is False, name
    assert not re.search(r"associate_public_ip_address\s*=\s*true", tf_text())


def test_there_is_no_interface_vpc_endpoint():
    for name, body in resources("aws_vpc_endpoint").items():
        # Gateway endpoints (S3, DynamoDB) are free; Interface endpoints bill per AZ-hour.
        assert body.get("vpc_endpoint_type", "Gateway") == "Gateway", name


def test_there_is_no_load_balancer():
    banned = {"aws_lb", "aws_alb", "aws_elb", "aws_lb_listener", "aws_alb_listener"}
    assert not banned & all_resource_types()


def test_the_vpc_has_exactly_two_private_subnets_in_two_zones():
    subnet = only("aws_subnet")
    assert subnet["count"] == 2
    assert subnet["map_public_ip_on_launch"] is False
    zones = variable("availability_zone_ids")["default"]
    assert len(zones) == 2 and len(set(zones)) == 2


# --- database --------------------------------------------------------------------------------------


def test_the_database_is_private_encrypted_and_single_az():
    db = only("aws_db_instance")
    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True
    assert db["multi_az"] is False


def test_the_database_is_a_db_t4g_micro_with_20_gb_of_gp3():
    db = only("aws_db_instance")
    assert db["instance_class"] == "db.t4g.micro"
    assert db["allocated_storage"] == 20
    assert db["storage_type"] == "gp3"
    # Storage autoscaling would make the bill grow silently.
    assert "max_allocated_storage" not in db


def test_the_database_opts_out_of_paid_extended_support():
    db = only("aws_db_instance")
    assert db["engine_lifecycle_support"] == "open-source-rds-extended-support-disabled"


def test_the_database_runs_postgresql_16_or_17():
    db = only("aws_db_instance")
    assert db["engine"] == "postgres"
    assert refers_to(db["engine_version"], "var.postgres_major_version")
    assert variable("postgres_major_version")["default"] in {"16", "17"}


def test_the_database_refuses_connections_without_tls():
    group = only("aws_db_parameter_group")
    parameters = {p["name"]: str(p["value"]) for p in group["parameter"]}
    assert parameters.get("rds.force_ssl") == "1"
    assert refers_to(only("aws_db_instance")["parameter_group_name"], "aws_db_parameter_group.")


def test_the_database_keeps_seven_days_of_backups_and_is_deletion_protected_by_default():
    db = only("aws_db_instance")
    assert db["backup_retention_period"] == 7
    assert refers_to(db["deletion_protection"], "var.deletion_protection")
    assert variable("deletion_protection")["default"] is True
    assert refers_to(db["skip_final_snapshot"], "var.skip_final_snapshot")
    assert variable("skip_final_snapshot")["default"] is False


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_the_database_admits_port_5432_only_from_the_app(combo):
    for db in list(active("aws_db_instance", combo).values()) + list(active("aws_rds_cluster", combo).values()):
        assert db["vpc_security_group_ids"] == ["${aws_security_group.db.id}"]
    assert "ingress" not in resources("aws_security_group")["db"]
    ingress = [
        rule
        for rule in active("aws_vpc_security_group_ingress_rule", combo).values()
        if refers_to(rule["security_group_id"], "aws_security_group.db.")
    ]
    assert len(ingress) == 1
    (rule,) = ingress
    assert (rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (5432, 5432, "tcp")
    assert rule["referenced_security_group_id"] == "${local.app_security_group_id}"
    assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & rule.keys()
    assert not resources("aws_security_group_rule"), "use the per-rule resources, scoped to groups"
    # The app's group is the one of the active target, and it may only reach the database.
    groups = active("aws_security_group", combo)
    app_group = "connector" if combo.compute == "apprunner" else "lambda"
    assert set(groups) == {"db", app_group}
    egress = active("aws_vpc_security_group_egress_rule", combo)
    assert egress["app_to_db"]["referenced_security_group_id"] == "${aws_security_group.db.id}"
    assert (egress["app_to_db"]["from_port"], egress["app_to_db"]["to_port"]) == (5432, 5432)
    # Besides, only Lambda's HTTPS over IPv6 (its egress-only way out): no IPv4 range, no other port.
    assert set(egress) == ({"app_to_db", "lambda_https_ipv6"} if combo.compute == "lambda" else {"app_to_db"})
    for name, rule in egress.items():
        assert "cidr_ipv4" not in rule and "prefix_list_id" not in rule, name
        if name != "app_to_db":
            assert (rule["cidr_ipv6"], rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("::/0", "tcp", 443, 443)
    # Nothing inbound anywhere but the database's one rule.
    assert set(active("aws_vpc_security_group_ingress_rule", combo)) == {"db_from_app"}


def test_the_database_password_is_ephemeral_write_only_and_never_in_state():
    db = resources("aws_db_instance")["main"]
    cluster = resources("aws_rds_cluster")["main"]
    assert "password" not in db and "manage_master_user_password" not in db
    assert "master_password" not in cluster and "manage_master_user_password" not in cluster
    assert db["password_wo"] == cluster["master_password_wo"] == "${var.db_bootstrap_password}"
    assert db["password_wo_version"] == cluster["master_password_wo_version"] == "${local.db_password_version}"
    password = variable("db_bootstrap_password")
    assert password["ephemeral"] is True and password["sensitive"] is True and password["default"] is None
    parameter = resources("aws_ssm_parameter")["db_bootstrap_password"]
    assert "value" not in parameter
    assert parameter["value_wo"] == "${var.db_bootstrap_password}"
    assert parameter["value_wo_version"] == "${local.db_password_version}"
    # Only the aws provider: a plan needs every provider the configuration uses, and this machine
    # (and any offline CI) has only that one.
    assert not resources("random_password") and not blocks("ephemeral", "random_password")
    assert not re.search(r'(resource|ephemeral|data) "random_|hashicorp/random', tf_text())


def test_the_app_signs_in_with_iam_tokens_and_its_url_carries_no_password():
    assert resources("aws_db_instance")["main"]["iam_database_authentication_enabled"] is True
    assert resources("aws_rds_cluster")["main"]["iam_database_authentication_enabled"] is True
    url = local("database_url")
    assert url.startswith('${format("postgres://%s@%s:%d/%s?'), url
    environment = local("app_environment")
    assert re.search(r'\bDATABASE_IAM_AUTH = "true"', environment)
    assert re.search(r"\bDATABASE_URL = local\.database_url\b", environment)
    assert "arn:aws:rds-db:" in local("db_connect_arn") and ":dbuser:" in local("db_connect_arn")
    for role in ("lambda", "apprunner_instance"):
        statements = blocks("data", "aws_iam_policy_document")[role]["statement"]
        connect = [s for s in statements if s["actions"] == ["rds-db:connect"]]
        assert len(connect) == 1 and connect[0]["resources"] == ["${local.db_connect_arn}"], role


def test_database_url_verifies_the_rds_certificate_with_the_bundle_shipped_in_the_image():
    assert "sslmode=verify-full" in local("database_url")
    bundle = local("db_ca_bundle_path")
    assert re.search(rf"\s{re.escape(bundle)}\s*$", dockerfile_path().read_text(encoding="utf-8"), re.M)


def test_secrets_are_securestrings_in_parameter_store_not_secrets_manager():
    for name, parameter in resources("aws_ssm_parameter").items():
        assert parameter["type"] == "SecureString", name
    # The random-password data source is a free API call, not a stored secret.
    assert not {t for t in all_resource_types() if t.startswith("aws_secretsmanager_")}


# --- App Runner ------------------------------------------------------------------------------------


def test_app_runner_runs_at_a_quarter_vcpu_and_half_a_gigabyte():
    instance = block(only("aws_apprunner_service"), "instance_configuration")
    assert (instance["cpu"], instance["memory"]) == ("256", "512")


def test_app_runner_deploys_only_when_terraform_changes_the_image_tag():
    source = block(only("aws_apprunner_service"), "source_configuration")
    assert source["auto_deployments_enabled"] is False
    image = block(source, "image_repository")
    assert image["image_repository_type"] == "ECR"
    assert image["image_identifier"].endswith(":${var.image_tag}")
    assert only("aws_ecr_repository")["image_tag_mutability"] == "IMMUTABLE"


def test_app_runner_egress_goes_through_the_vpc_connector():
    egress = block(only("aws_apprunner_service"), "network_configuration", "egress_configuration")
    assert egress["egress_type"] == "VPC"
    assert refers_to(egress["vpc_connector_arn"], "aws_apprunner_vpc_connector.")


def test_app_runner_scales_from_one_to_two_instances_with_create_before_destroy():
    scaling = only("aws_apprunner_auto_scaling_configuration_version")
    assert (scaling["min_size"], scaling["max_size"]) == (1, 2)
    assert block(scaling, "lifecycle")["create_before_destroy"] is True
    service = only("aws_apprunner_service")
    assert refers_to(service["auto_scaling_configuration_arn"], "aws_apprunner_auto_scaling_configuration_version.")


def test_app_runner_health_check_is_http_on_healthz():
    check = block(only("aws_apprunner_service"), "health_check_configuration")
    assert (check["protocol"], check["path"]) == ("HTTP", "/healthz")


def test_app_runner_passes_the_secrets_from_parameter_store():
    config = block(
        only("aws_apprunner_service"), "source_configuration", "image_repository", "image_configuration"
    )
    secrets = config["runtime_environment_secrets"]
    assert set(secrets) == {"FINALIZE_SECRET", "DATABASE_BOOTSTRAP_PASSWORD"}
    assert secrets["FINALIZE_SECRET"] == "${aws_ssm_parameter.finalize_secret[0].arn}"
    assert secrets["DATABASE_BOOTSTRAP_PASSWORD"] == "${aws_ssm_parameter.db_bootstrap_password.arn}"


def test_app_runner_sets_every_environment_variable_the_app_reads():
    config = block(
        only("aws_apprunner_service"), "source_configuration", "image_repository", "image_configuration"
    )
    assert config["port"] == "8080"
    assert config["runtime_environment_variables"] == "${local.apprunner_environment}"
    assert "local.app_environment" in local("apprunner_environment")
    environment = local("app_environment") + local("apprunner_environment")
    expected = {
        "HOST": r'"0\.0\.0\.0"',
        "PORT": r'"8080"',
        "PUBLIC_BASE_URL": r"local\.app_url",
        "ASSETS_BASE_URL": r"local\.assets_url",
        "LOG_FORMAT": r'"json"',
        "METRICS_EMF": r'"true"',
        "TICKER_INTERVAL_SECS": r'"0"',
        "DATABASE_MAX_CONNECTIONS": r"tostring\(local\.app_pool_size\)",
        "BEHIND_PROXY": r'"true"',
        "MIGRATE_ON_START": r'"true"',
        "ROTATION_VERSION": r"local\.secrets_version",
    }
    for key, value in expected.items():
        assert re.search(rf"\b{key} = {value}", environment), key
    assert local("app_url") == "https://${var.app_domain}"
    assert local("assets_url") == "https://${var.assets_domain}"


# Anything that names a secret's value: the bootstrap password, the finalize secret, a password.
SECRET_SOURCES = re.compile(
    r"var\.db_bootstrap_password|local\.finalize_secret\b|terraform_data\.finalize_secret"
    r"|aws_secretsmanager_random_password|\.random_password|\.result\b"
)
SECRET_NAMES = re.compile(r"(?i)\b[A-Z_]*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY)[A-Z_]* =")


def test_no_function_or_service_environment_holds_a_password_or_shared_secret():
    """For every combination: the plain environment of the Lambda function and of the App Runner
    service (the one readable with read-only access) names no secret and takes no secret's value;
    App Runner gets its two secrets only as SSM references (runtime_environment_secrets).
    scripts/test-infra asserts the same on the planned values of each combination (tests/plan.tftest.hcl)."""
    environments = {
        "app_environment": local("app_environment"),
        "lambda_environment": local("lambda_environment"),
        "apprunner_environment": local("apprunner_environment"),
        "db_environment": local("db_environment"),
    }
    for name, text in environments.items():
        assert not SECRET_SOURCES.search(text), (name, SECRET_SOURCES.search(text).group(0))
        assert not SECRET_NAMES.search(text), (name, SECRET_NAMES.search(text).group(0))
    # The URL in the environment has a user and no password.
    assert not re.search(r"postgres://%s:%s@", local("database_url"))
    function = only("aws_lambda_function")
    assert block(function, "environment")["variables"] == "${local.lambda_environment}"
    config = block(only("aws_apprunner_service"), "source_configuration", "image_repository", "image_configuration")
    assert config["runtime_environment_variables"] == "${local.apprunner_environment}"
    for value in config["runtime_environment_secrets"].values():
        assert re.fullmatch(r"\$\{aws_ssm_parameter\.[a-z_]+(\[0\])?\.arn\}", value), value


def test_the_instance_role_may_only_read_its_own_two_parameters_and_connect_as_its_user():
    document = blocks("data", "aws_iam_policy_document")["apprunner_instance"]
    statements = {s["sid"]: s for s in document["statement"]}
    assert set(statements) == {"ReadOwnParameters", "ConnectAsAppUser"}
    read = statements["ReadOwnParameters"]
    assert read.get("effect", "Allow") == "Allow"
    assert read["actions"] == ["ssm:GetParameters"]
    assert sorted(read["resources"]) == [
        "${aws_ssm_parameter.db_bootstrap_password.arn}",
        "${aws_ssm_parameter.finalize_secret[0].arn}",
    ]
    assert statements["ConnectAsAppUser"]["resources"] == ["${local.db_connect_arn}"]
    unconditional = [
        p for p in resources("aws_iam_role_policy_attachment").values()
        if refers_to(p["role"], "aws_iam_role.apprunner_instance") and "count" not in p
    ]
    assert not unconditional, "extra permissions must be optional (e.g. X-Ray behind its variable)"


def test_the_access_role_may_only_pull_this_repository():
    document = blocks("data", "aws_iam_policy_document")["apprunner_access"]
    for statement in document["statement"]:
        if statement["resources"] == ["*"]:
            assert statement["actions"] == ["ecr:GetAuthorizationToken"]
        else:
            assert statement["resources"] == ["${aws_ecr_repository.app.arn}"]
            assert all(action.startswith("ecr:") for action in statement["actions"])


def test_the_custom_domain_does_not_claim_www_and_gets_its_validation_records():
    association = only("aws_apprunner_custom_domain_association")
    assert association["enable_www_subdomain"] is False
    validation = resources("aws_route53_record")["app_validation"]
    assert refers_to(validation["for_each"], "certificate_validation_records")


def test_xray_tracing_is_off_by_default_and_the_otlp_protocol_matches_its_port():
    assert variable("enable_xray_tracing")["default"] is False
    assert resources("aws_apprunner_observability_configuration")["xray"]["count"] == (
        "${local.use_apprunner && var.enable_xray_tracing ? 1 : 0}"
    )
    environment = local("apprunner_environment")
    endpoint = re.search(r'OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:(\d+)"', environment)
    protocol = re.search(r'OTEL_EXPORTER_OTLP_PROTOCOL = "([^"]+)"', environment)
    assert endpoint and protocol
    assert {"4317": "grpc", "4318": "http/protobuf"}[endpoint.group(1)] == protocol.group(1)
    # App Runner documents its collector's OTLP receiver as gRPC on 4317; the app speaks both
    # (server/src/telemetry/otlp.rs).
    assert endpoint.group(1) == "4317"
    # Nothing in the app reads OTEL_PROPAGATORS; a setting nobody reads only misleads.
    assert "OTEL_PROPAGATORS" not in tf_text()


def test_the_ecr_repository_scans_on_push_and_expires_old_images():
    repository = only("aws_ecr_repository")
    assert block(repository, "image_scanning_configuration")["scan_on_push"] is True
    assert "imageCountMoreThan" in only("aws_ecr_lifecycle_policy")["policy"]
    assert refers_to(repository["force_delete"], "var.force_destroy_artifacts")
    assert refers_to(resources("aws_s3_bucket")["assets"]["force_destroy"], "var.force_destroy_artifacts")
    assert variable("force_destroy_artifacts")["default"] is False


# --- assets: private bucket behind CloudFront ---------------------------------------------------------


def test_the_asset_bucket_blocks_every_kind_of_public_access():
    block_ = only("aws_s3_bucket_public_access_block")
    for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        assert block_[flag] is True, flag
    assert refers_to(block_["bucket"], "aws_s3_bucket.assets")
    ownership = block(only("aws_s3_bucket_ownership_controls"), "rule")
    assert ownership["object_ownership"] == "BucketOwnerEnforced"
    encryption = block(
        only("aws_s3_bucket_server_side_encryption_configuration"), "rule", "apply_server_side_encryption_by_default"
    )
    assert encryption["sse_algorithm"] in {"AES256", "aws:kms"}


def test_cloudfront_reads_the_bucket_through_origin_access_control_only():
    assert not resources("aws_cloudfront_origin_access_identity"), "OAI is legacy: use OAC"
    control = only("aws_cloudfront_origin_access_control")
    assert control["origin_access_control_origin_type"] == "s3"
    assert (control["signing_behavior"], control["signing_protocol"]) == ("always", "sigv4")
    origin = block(only("aws_cloudfront_distribution"), "origin")
    assert refers_to(origin["origin_access_control_id"], "aws_cloudfront_origin_access_control.")
    policy = blocks("data", "aws_iam_policy_document")["assets_bucket"]
    allows = [s for s in policy["statement"] if s.get("effect", "Allow") == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert block(allow, "principals")["identifiers"] == ["cloudfront.amazonaws.com"]
    condition = block(allow, "condition")
    assert condition["variable"] == "AWS:SourceArn"
    assert condition["values"] == ["${aws_cloudfront_distribution.assets.arn}"]


def test_cloudfront_serves_tls_1_2_or_newer_only_and_redirects_http():
    distribution = only("aws_cloudfront_distribution")
    viewer = block(distribution, "viewer_certificate")
    assert viewer["minimum_protocol_version"] == "TLSv1.2_2021"
    assert viewer["ssl_support_method"] == "sni-only"
    behaviour = block(distribution, "default_cache_behavior")
    assert behaviour["viewer_protocol_policy"] == "redirect-to-https"


def test_cloudfront_uses_the_managed_caching_optimized_policy():
    behaviour = block(only("aws_cloudfront_distribution"), "default_cache_behavior")
    assert refers_to(behaviour["cache_policy_id"], "data.aws_cloudfront_cache_policy.caching_optimized")
    assert blocks("data", "aws_cloudfront_cache_policy")["caching_optimized"]["name"] == "Managed-CachingOptimized"


def test_cloudfront_sends_cors_for_the_app_origin_and_hsts():
    policy = only("aws_cloudfront_response_headers_policy")
    cors = block(policy, "cors_config")
    assert block(cors, "access_control_allow_origins")["items"] == ["${local.app_url}"]
    assert "GET" in block(cors, "access_control_allow_methods")["items"]
    hsts = block(policy, "security_headers_config", "strict_transport_security")
    assert hsts["access_control_max_age_sec"] >= 31536000
    behaviour = block(only("aws_cloudfront_distribution"), "default_cache_behavior")
    assert refers_to(behaviour["response_headers_policy_id"], "aws_cloudfront_response_headers_policy.")


def test_cloudfront_certificate_is_issued_in_us_east_1():
    certificate = resources("aws_acm_certificate")["assets"]
    assert certificate["provider"] == "${aws.us_east_1}"
    providers = [entry["aws"] for _, doc in documents() for entry in doc.get("provider", []) if "aws" in entry]
    assert any(p.get("alias") == "us_east_1" and p.get("region") == "us-east-1" for p in providers)
    assert certificate["validation_method"] == "DNS"


# --- scheduling, logs, alarms, budget ---------------------------------------------------------------


def test_eventbridge_posts_to_finalize_due_with_the_secret_header_on_app_runner_only():
    connection = only("aws_cloudwatch_event_connection")
    assert connection["count"] == "${local.finalize_via_api_destination ? 1 : 0}"
    assert local("finalize_via_api_destination") == "${local.finalize_enabled && local.use_apprunner}"
    assert connection["authorization_type"] == "API_KEY"
    assert block(connection, "auth_parameters", "api_key")["key"] == "x-finalize-secret"
    destination = only("aws_cloudwatch_event_api_destination")
    assert destination["http_method"] == "POST"
    assert destination["invocation_endpoint"] == "${local.app_url}/internal/finalize-due"
    rule = only("aws_cloudwatch_event_rule")
    assert rule["schedule_expression"] == "${local.finalize_schedule}"


def test_on_lambda_the_scheduler_invokes_the_function_with_iam_and_no_secret():
    schedule = only("aws_scheduler_schedule")
    assert schedule["count"] == "${local.finalize_via_scheduler ? 1 : 0}"
    assert local("finalize_via_scheduler") == "${local.finalize_enabled && local.use_lambda}"
    target = block(schedule, "target")
    assert target["arn"] == "${aws_lambda_function.app[0].arn}"
    assert target["input"] == '${jsonencode({mealvote = "finalize-due"})}'
    (statement,) = blocks("data", "aws_iam_policy_document")["scheduler_invoke"]["statement"]
    assert statement["actions"] == ["lambda:InvokeFunction"]
    assert statement["resources"] == ["${aws_lambda_function.app[0].arn}"]
    # The finalize secret exists only where something sends it.
    for address in ("aws_ssm_parameter", "terraform_data"):
        assert resources(address)["finalize_secret"]["count"] == "${local.use_apprunner ? 1 : 0}"


def test_eventbridge_retries_briefly():
    for retry in (block(only("aws_cloudwatch_event_target"), "retry_policy"),
                  block(only("aws_scheduler_schedule"), "target", "retry_policy")):
        assert retry["maximum_retry_attempts"] <= 3
        assert retry["maximum_event_age_in_seconds"] <= 900


def test_the_app_and_eventbridge_share_one_finalize_secret():
    connection_value = block(only("aws_cloudwatch_event_connection"), "auth_parameters", "api_key")["value"]
    parameter_value = resources("aws_ssm_parameter")["finalize_secret"]["value_wo"]
    assert connection_value == "${local.finalize_secret}"
    assert parameter_value == "${terraform_data.finalize_secret[0].output}"
    assert "terraform_data.finalize_secret[0].output" in local("finalize_secret")
    # Kept until the version changes: the random source returns a new value on every read.
    kept = resources("terraform_data")["finalize_secret"]
    assert kept["triggers_replace"] == ["${var.finalize_secret_version}"]
    assert block(kept, "lifecycle")["ignore_changes"] == ["input"]


def test_every_log_group_keeps_logs_for_fourteen_days_by_default():
    assert variable("log_retention_days")["default"] == 14
    for name, group in resources("aws_cloudwatch_log_group").items():
        assert refers_to(group["retention_in_days"], "var.log_retention_days"), name
    # App Runner's own groups are named after the service ID, so the retention is set after creation.
    retention = resources("terraform_data")["apprunner_log_retention"]
    command = block(retention, "provisioner")["local-exec"]["command"]
    assert "put-retention-policy" in command
    assert "application service" in command


def test_there_is_an_alarm_on_5xx_responses_that_notifies_someone():
    alarm = resources("aws_cloudwatch_metric_alarm")["http_5xx"]
    assert alarm["namespace"] == "${local.platform_5xx.namespace}"
    platform = local("platform_5xx")
    assert '"AWS/AppRunner"' in platform and '"5xxStatusResponses"' in platform
    assert '"AWS/ApiGateway"' in platform and '"5xx"' in platform
    assert alarm["alarm_actions"] == ["${aws_sns_topic.alerts.arn}"]
    subscription = only("aws_sns_topic_subscription")
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "${var.alert_email}")


def test_there_is_a_monthly_cost_budget_with_an_email_alert():
    budget = only("aws_budgets_budget")
    assert (budget["budget_type"], budget["time_unit"], budget["limit_unit"]) == ("COST", "MONTHLY", "USD")
    notifications = budget["notification"]
    assert notifications
    assert all(n["subscriber_email_addresses"] == ["${var.alert_email}"] for n in notifications)


def test_the_dashboard_shows_platform_and_database_metrics_for_every_combination():
    text = "\n".join(str(local(name)) for name in ("dashboard_platform_widgets", "dashboard_database_widgets"))
    for metric in ("5xxStatusResponses", "ActiveInstances", "ConcurrentExecutions", "Throttles",
                   "CPUUtilization", "DatabaseConnections", "ServerlessDatabaseCapacity"):
        assert metric in text, metric


# --- hygiene -----------------------------------------------------------------------------------------


def test_terraform_and_provider_versions_say_what_is_tested():
    (terraform,) = [entry for _, doc in documents() for entry in doc.get("terraform", [])]
    # scripts/test-infra plans every combination with Terraform 1.11 and aws 5.100.
    assert terraform["required_version"].startswith(">= 1.11")
    (providers,) = terraform["required_providers"]
    assert providers["aws"]["version"] == "~> 5.100"
    assert set(providers) == {"aws"}


def test_every_variable_and_output_has_a_description():
    for _, doc in documents():
        for kind in ("variable", "output"):
            for entry in doc.get(kind, []):
                for name, body in entry.items():
                    assert body.get("description", "").strip(), f"{kind} {name}"


def test_outputs_give_the_app_url_the_assets_url_and_the_ecr_repository():
    outputs = {name for _, doc in documents() for entry in doc.get("output", []) for name in entry}
    assert {"app_url", "assets_url", "ecr_repository_url", "assets_bucket"} <= outputs


def test_every_checkov_skip_names_a_check_and_gives_a_reason():
    skips = re.findall(r"#\s*checkov:skip=([^\n]*)", tf_text() + dockerfile_path().read_text(encoding="utf-8"))
    assert skips
    for skip in skips:
        assert re.fullmatch(r"CKV2?_[A-Z]+_\d+:\s*\S.{15,}", skip), skip
    assert "skip-check" not in (REPO_ROOT / "scripts" / "test-infra").read_text(encoding="utf-8")


