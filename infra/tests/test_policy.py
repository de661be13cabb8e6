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
    assert not {"aws_internet_gateway", "aws_egress_only_internet_gateway"} & all_resource_types()
    assert not resources("aws_eip")


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
    (egress,) = active("aws_vpc_security_group_egress_rule", combo).values()
    assert egress["referenced_security_group_id"] == "${aws_security_group.db.id}"
    assert (egress["from_port"], egress["to_port"]) == (5432, 5432)


def test_the_database_password_is_write_only_and_stored_in_state_only_for_lambda():
    db = resources("aws_db_instance")["main"]
    cluster = resources("aws_rds_cluster")["main"]
    assert "password" not in db and "manage_master_user_password" not in db
    assert "master_password" not in cluster and "manage_master_user_password" not in cluster
    assert db["password_wo"] == cluster["master_password_wo"] == "${local.db_password}"
    assert db["password_wo_version"] == cluster["master_password_wo_version"] == "${local.db_password_version}"
    url = resources("aws_ssm_parameter")["database_url"]
    assert "value" not in url
    assert url["value_wo"] == "${local.database_url}"
    assert url["value_wo_version"] == "${local.db_password_version}"
    assert "db" in blocks("ephemeral", "random_password")
    # App Runner: the ephemeral password. Lambda (no route to SSM): a state-stored one.
    password = local("db_password")
    assert re.fullmatch(r"\$\{local\.use_lambda \? random_password\.db\[0\]\.result : ephemeral\.random_password\.db\.result\}", password)
    assert resources("random_password")["db"]["count"] == "${local.use_lambda ? 1 : 0}"
    # Switching the password's source must also change the version, or the database keeps the old one.
    assert "local.use_lambda" in local("db_password_version") and "var.db_credentials_version" in local("db_password_version")


def test_database_url_verifies_the_rds_certificate_with_the_bundle_shipped_in_the_image():
    assert "sslmode=verify-full" in local("database_url")
    bundle = local("db_ca_bundle_path")
    assert re.search(rf"\s{re.escape(bundle)}\s*$", dockerfile_path().read_text(encoding="utf-8"), re.M)


def test_secrets_are_securestrings_in_parameter_store_not_secrets_manager():
    for name, parameter in resources("aws_ssm_parameter").items():
        assert parameter["type"] == "SecureString", name
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
    assert set(secrets) == {"DATABASE_URL", "FINALIZE_SECRET"}
    assert refers_to(secrets["DATABASE_URL"], "aws_ssm_parameter.database_url.arn")
    assert refers_to(secrets["FINALIZE_SECRET"], "aws_ssm_parameter.finalize_secret.arn")


def test_app_runner_sets_every_environment_variable_the_app_reads():
    config = block(
        only("aws_apprunner_service"), "source_configuration", "image_repository", "image_configuration"
    )
    assert config["port"] == "8080"
    assert config["runtime_environment_variables"] == "${local.apprunner_environment}"
    assert "local.app_environment" in local("apprunner_environment")
    environment = local("app_environment")
    expected = {
        "HOST": r'"0\.0\.0\.0"',
        "PORT": r'"8080"',
        "PUBLIC_BASE_URL": r"local\.app_url",
        "ASSETS_BASE_URL": r"local\.assets_url",
        "LOG_FORMAT": r'"json"',
        "METRICS_EMF": r'"true"',
        "TICKER_INTERVAL_SECS": r'"0"',
        "DATABASE_MAX_CONNECTIONS": r"tostring\(local\.app_pool_size\)",
        "SECRETS_VERSION": r"local\.secrets_version",
    }
    for key, value in expected.items():
        assert re.search(rf"\b{key} = {value}", environment), key
    for secret in ("DATABASE_URL", "FINALIZE_SECRET"):
        assert secret not in environment + local("apprunner_environment"), f"{secret} must only come from runtime_environment_secrets"
    assert local("app_url") == "https://${var.app_domain}"
    assert local("assets_url") == "https://${var.assets_domain}"


def test_the_instance_role_may_only_read_its_own_two_parameters():
    document = blocks("data", "aws_iam_policy_document")["apprunner_instance"]
    (statement,) = document["statement"]
    assert statement.get("effect", "Allow") == "Allow"
    assert statement["actions"] == ["ssm:GetParameters"]
    assert sorted(statement["resources"]) == [
        "${aws_ssm_parameter.database_url.arn}",
        "${aws_ssm_parameter.finalize_secret.arn}",
    ]
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
    # The app's exporter speaks OTLP/HTTP (docs/operations.md, "Traces").
    assert protocol.group(1) == "http/protobuf"


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


def test_eventbridge_posts_to_finalize_due_with_the_secret_header():
    connection = only("aws_cloudwatch_event_connection")
    assert connection["authorization_type"] == "API_KEY"
    assert block(connection, "auth_parameters", "api_key")["key"] == "x-finalize-secret"
    destination = only("aws_cloudwatch_event_api_destination")
    assert destination["http_method"] == "POST"
    assert destination["invocation_endpoint"] == "${local.app_url}/internal/finalize-due"
    rule = only("aws_cloudwatch_event_rule")
    assert rule["schedule_expression"] == "${local.finalize_schedule}"


def test_eventbridge_retries_briefly():
    retry = block(only("aws_cloudwatch_event_target"), "retry_policy")
    assert retry["maximum_retry_attempts"] <= 3
    assert retry["maximum_event_age_in_seconds"] <= 900


def test_the_app_and_eventbridge_share_one_finalize_secret():
    connection_value = block(only("aws_cloudwatch_event_connection"), "auth_parameters", "api_key")["value"]
    parameter_value = resources("aws_ssm_parameter")["finalize_secret"]["value_wo"]
    assert connection_value == parameter_value == "${random_password.finalize.result}"


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


def test_terraform_and_provider_versions_are_pinned():
    (terraform,) = [entry for _, doc in documents() for entry in doc.get("terraform", [])]
    assert terraform["required_version"].startswith(">= 1.11")
    (providers,) = terraform["required_providers"]
    assert re.fullmatch(r"~> [56]\.\d+", providers["aws"]["version"])
    assert re.fullmatch(r"~> 3\.\d+", providers["random"]["version"])


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


