"""Policy tests for infra/: the cost and security invariants of docs/architecture.md, checked on the HCL itself.

`terraform validate` cannot run where provider plugins cannot be downloaded, so these tests parse
every infra/*.tf with python-hcl2 and assert what the design promises: no NAT gateway, no interface
endpoints, no load balancer, a small private encrypted database, a small App Runner service that
deploys only on purpose, a private bucket behind CloudFront OAC, and so on.

MEALVOTE_INFRA_DIR points the tests at another copy of infra/; scripts/test-infra also swaps INFRA
in-process to prove that the tests fail on deliberately broken copies.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = Path(os.environ.get("MEALVOTE_INFRA_DIR", REPO_ROOT / "infra")).resolve()
DOCKERFILE = INFRA / "docker" / "Dockerfile"

_OPTIONS = hcl2.SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)

# --- helpers -------------------------------------------------------------------------------------


@cache
def documents() -> tuple[tuple[str, dict[str, Any]], ...]:
    files = sorted(INFRA.glob("*.tf"))
    assert files, f"no .tf files in {INFRA}"
    parsed = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            parsed.append((path.name, hcl2.load(handle, serialization_options=_OPTIONS)))
    return tuple(parsed)


def blocks(kind: str, type_: str) -> dict[str, dict[str, Any]]:
    """Every `kind "type_" "name" {}` block (kind: resource, data, ephemeral) by name."""
    found: dict[str, dict[str, Any]] = {}
    for _, doc in documents():
        for entry in doc.get(kind, []):
            for name, body in entry.get(type_, {}).items():
                found[name] = body
    return found


def resources(type_: str) -> dict[str, dict[str, Any]]:
    return blocks("resource", type_)


def only(type_: str) -> dict[str, Any]:
    found = resources(type_)
    assert len(found) == 1, f"expected exactly one {type_}, found {sorted(found)}"
    return next(iter(found.values()))


def block(body: dict[str, Any], *path: str) -> dict[str, Any]:
    """Follow nested single blocks, e.g. block(service, "source_configuration", "image_repository")."""
    for name in path:
        value = body.get(name)
        assert isinstance(value, list) and len(value) == 1, f"expected one `{name}` block"
        body = value[0]
    return body


def variable(name: str) -> dict[str, Any]:
    for _, doc in documents():
        for entry in doc.get("variable", []):
            if name in entry:
                return entry[name]
    raise AssertionError(f"variable {name} is not declared")


def local(name: str) -> Any:
    for _, doc in documents():
        for entry in doc.get("locals", []):
            if name in entry:
                return entry[name]
    raise AssertionError(f"local {name} is not declared")


def all_resource_types() -> set[str]:
    return {type_ for _, doc in documents() for entry in doc.get("resource", []) for type_ in entry}


def tf_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(INFRA.glob("*.tf")))


def refers_to(value: Any, address: str) -> bool:
    return isinstance(value, str) and address in value


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


def test_the_database_admits_port_5432_only_from_the_app_runner_connector():
    db_groups = [refers_to(g, "aws_security_group.db.id") for g in only("aws_db_instance")["vpc_security_group_ids"]]
    assert db_groups == [True]
    assert "ingress" not in resources("aws_security_group")["db"]
    ingress = [
        rule
        for rule in resources("aws_vpc_security_group_ingress_rule").values()
        if refers_to(rule["security_group_id"], "aws_security_group.db.")
    ]
    assert len(ingress) == 1
    (rule,) = ingress
    assert (rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (5432, 5432, "tcp")
    assert refers_to(rule["referenced_security_group_id"], "aws_security_group.connector.")
    assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & rule.keys()
    assert not resources("aws_security_group_rule"), "use the per-rule resources, scoped to groups"


def test_the_database_password_is_write_only_and_never_stored_in_state():
    db = only("aws_db_instance")
    assert "password" not in db and "manage_master_user_password" not in db
    assert refers_to(db["password_wo"], "ephemeral.random_password.db.result")
    assert refers_to(db["password_wo_version"], "var.db_credentials_version")
    url = resources("aws_ssm_parameter")["database_url"]
    assert "value" not in url
    assert refers_to(url["value_wo"], "ephemeral.random_password.db.result")
    assert refers_to(url["value_wo_version"], "var.db_credentials_version")
    assert "db" in blocks("ephemeral", "random_password")


def test_database_url_verifies_the_rds_certificate_with_the_bundle_shipped_in_the_image():
    url = resources("aws_ssm_parameter")["database_url"]
    assert "sslmode=verify-full" in url["value_wo"]
    bundle = local("db_ca_bundle_path")
    assert re.search(rf"\s{re.escape(bundle)}\s*$", DOCKERFILE.read_text(encoding="utf-8"), re.M)


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
    assert refers_to(config["runtime_environment_variables"], "local.app_environment")
    environment = local("app_environment")
    expected = {
        "HOST": r'"0\.0\.0\.0"',
        "PORT": r'"8080"',
        "PUBLIC_BASE_URL": r"local\.app_url",
        "ASSETS_BASE_URL": r"local\.assets_url",
        "LOG_FORMAT": r'"json"',
        "TICKER_INTERVAL_SECS": r'"0"',
    }
    for key, value in expected.items():
        assert re.search(rf"\b{key} = {value}", environment), key
    for secret in ("DATABASE_URL", "FINALIZE_SECRET"):
        assert secret not in environment, f"{secret} must only come from runtime_environment_secrets"
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


def test_xray_tracing_is_off_by_default():
    assert variable("enable_xray_tracing")["default"] is False
    assert resources("aws_apprunner_observability_configuration")["xray"]["count"] == (
        "${var.enable_xray_tracing ? 1 : 0}"
    )


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
    certificate = only("aws_acm_certificate")
    assert certificate["provider"] == "${aws.us_east_1}"
    providers = [entry["aws"] for _, doc in documents() for entry in doc.get("provider", []) if "aws" in entry]
    assert any(p.get("alias") == "us_east_1" and p.get("region") == "us-east-1" for p in providers)
    assert certificate["validation_method"] == "DNS"


# --- scheduling, logs, alarms, budget ---------------------------------------------------------------


def test_eventbridge_posts_to_finalize_due_with_the_secret_header_every_fifteen_minutes():
    connection = only("aws_cloudwatch_event_connection")
    assert connection["authorization_type"] == "API_KEY"
    assert block(connection, "auth_parameters", "api_key")["key"] == "x-finalize-secret"
    destination = only("aws_cloudwatch_event_api_destination")
    assert destination["http_method"] == "POST"
    assert destination["invocation_endpoint"] == "${local.app_url}/internal/finalize-due"
    rule = only("aws_cloudwatch_event_rule")
    assert refers_to(rule["schedule_expression"], "var.finalize_schedule")
    assert variable("finalize_schedule")["default"] == "rate(15 minutes)"


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
    alarms = [a for a in resources("aws_cloudwatch_metric_alarm").values() if a["metric_name"] == "5xxStatusResponses"]
    assert len(alarms) == 1
    (alarm,) = alarms
    assert alarm["namespace"] == "AWS/AppRunner"
    assert alarm["alarm_actions"] == ["${aws_sns_topic.alerts.arn}"]
    subscription = only("aws_sns_topic_subscription")
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "${var.alert_email}")


def test_there_is_a_monthly_cost_budget_with_an_email_alert():
    budget = only("aws_budgets_budget")
    assert (budget["budget_type"], budget["time_unit"], budget["limit_unit"]) == ("COST", "MONTHLY", "USD")
    notifications = budget["notification"]
    assert notifications
    assert all(n["subscriber_email_addresses"] == ["${var.alert_email}"] for n in notifications)


def test_the_dashboard_shows_requests_errors_latency_instances_and_database_load():
    body = only("aws_cloudwatch_dashboard")["dashboard_body"]
    for metric in ("Requests", "5xxStatusResponses", "RequestLatency", "ActiveInstances", "CPUUtilization", "DatabaseConnections"):
        assert metric in body, metric
    assert "p95" in body


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
    skips = re.findall(r"#\s*checkov:skip=([^\n]*)", tf_text() + DOCKERFILE.read_text(encoding="utf-8"))
    assert skips
    for skip in skips:
        assert re.fullmatch(r"CKV2?_[A-Z]+_\d+:\s*\S.{15,}", skip), skip
    assert "skip-check" not in (REPO_ROOT / "scripts" / "test-infra").read_text(encoding="utf-8")


# --- container image -----------------------------------------------------------------------------------


def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def runtime_stage() -> str:
    return dockerfile().split("AS runtime", 1)[1]


def test_the_image_runs_as_a_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", runtime_stage(), re.M)
    assert users and users[-1].split(":")[0] not in {"0", "root"}


def test_the_image_serves_with_the_binary_its_hash_file_and_the_site_side_by_side():
    stage = runtime_stage()
    assert re.search(r"COPY --from=build .*/out/mealvote /out/hash\.txt /app/", stage)
    assert re.search(r"COPY --from=build .*/out/site /app/site", stage)
    for setting in (
        "HOST=0.0.0.0",
        "PORT=8080",
        "LEPTOS_SITE_ROOT=site",
        "LEPTOS_HASH_FILES=true",
        "LEPTOS_OUTPUT_NAME=mealvote",
    ):
        assert setting in stage, setting
    assert 'CMD ["mealvote", "serve"]' in stage
    assert re.search(r'HEALTHCHECK .*\n\s+CMD \["/app/mealvote", "healthcheck"\]', stage)


def test_the_runtime_image_is_debian_slim_with_ca_certificates():
    assert re.search(r"^FROM debian:bookworm-slim AS runtime$", dockerfile(), re.M)
    assert "ca-certificates" in runtime_stage()


def _arg(name: str) -> str:
    match = re.search(rf"^ARG {name}=(\S+)$", dockerfile(), re.M)
    assert match, name
    return match.group(1)


def test_the_image_uses_the_wasm_bindgen_cli_that_matches_cargo_lock():
    lock = (REPO_ROOT / "Cargo.lock").read_text(encoding="utf-8")
    locked = re.findall(r'name = "wasm-bindgen"\nversion = "([^"]+)"', lock)
    assert locked, "wasm-bindgen is not in Cargo.lock"
    assert set(locked) == {_arg("WASM_BINDGEN_VERSION")}


def test_the_image_pins_the_same_build_tools_as_scripts_bootstrap():
    # scripts/bootstrap takes its pins from scripts/lib/common.sh (wasm-bindgen from Cargo.lock).
    common = REPO_ROOT / "scripts" / "lib" / "common.sh"
    if not common.exists():
        pytest.skip("scripts/lib/common.sh is not in the tree")
    text = common.read_text(encoding="utf-8")
    for name in ("CARGO_LEPTOS_VERSION", "BINARYEN_VERSION"):
        match = re.search(rf"^{name}=(\S+)$", text, re.M)
        assert match, f"{name} is no longer pinned in scripts/lib/common.sh"
        assert _arg(name) == match.group(1), f"Dockerfile {name}={_arg(name)}, scripts: {match.group(1)}"
    rust = re.search(r'^rust-version = "([\d.]+)"$', (REPO_ROOT / "Cargo.toml").read_text(encoding="utf-8"), re.M)
    assert rust and re.search(rf"^FROM rust:{re.escape(rust.group(1))}-bookworm AS tools$", dockerfile(), re.M)


def test_the_docker_build_context_leaves_out_state_secrets_and_build_output():
    ignored = set((REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", "target", "*.tfstate", ".env", "infra"} <= ignored
