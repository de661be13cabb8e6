"""Every name derived from var.name fits the AWS length limit of the attribute it feeds, for the
longest name the variable accepts (the issue: "${var.name}-min1-max2" overflowed App Runner's 32)."""

from __future__ import annotations

import re

import hcl

# (resource type, attribute) -> the AWS maximum length.
LIMITS = {
    ("aws_apprunner_auto_scaling_configuration_version", "auto_scaling_configuration_name"): 32,
    ("aws_apprunner_observability_configuration", "observability_configuration_name"): 32,
    ("aws_apprunner_service", "service_name"): 40,
    ("aws_apprunner_vpc_connector", "vpc_connector_name"): 40,
    ("aws_iam_role", "name"): 64,
    ("aws_iam_role_policy", "name"): 128,
    ("aws_lambda_function", "function_name"): 64,
    ("aws_apigatewayv2_api", "name"): 128,
    ("aws_db_instance", "identifier"): 63,
    ("aws_db_instance", "final_snapshot_identifier"): 255,
    ("aws_rds_cluster", "cluster_identifier"): 63,
    ("aws_rds_cluster", "final_snapshot_identifier"): 255,
    ("aws_rds_cluster_instance", "identifier"): 63,
    ("aws_db_subnet_group", "name"): 255,
    ("aws_db_parameter_group", "name_prefix"): 255 - 26,  # Terraform appends a 26-character suffix
    ("aws_rds_cluster_parameter_group", "name_prefix"): 255 - 26,
    ("aws_s3_bucket", "bucket"): 63,
    ("aws_ecr_repository", "name"): 256,
    ("aws_security_group", "name"): 255,
    ("aws_ssm_parameter", "name"): 1011,
    ("aws_cloudwatch_event_connection", "name"): 64,
    ("aws_cloudwatch_event_api_destination", "name"): 64,
    ("aws_cloudwatch_event_rule", "name"): 64,
    ("aws_scheduler_schedule", "name"): 64,
    ("aws_scheduler_schedule_group", "name"): 64,
    ("aws_cloudwatch_log_group", "name"): 512,
    ("aws_cloudwatch_metric_alarm", "alarm_name"): 255,
    ("aws_cloudwatch_dashboard", "dashboard_name"): 255,
    ("aws_sns_topic", "name"): 256,
    ("aws_budgets_budget", "name"): 100,
    ("aws_cloudfront_origin_access_control", "name"): 64,
    ("aws_cloudfront_response_headers_policy", "name"): 128,
}
# Worst-case lengths of the other interpolations that appear in names.
OTHER = {
    "var.postgres_major_version": 2,
    "local.aurora_major": 2,
    "data.aws_caller_identity.current.account_id": 12,
    "each.key": len("postgresql"),
}
NAME_ATTRIBUTES = re.compile(r"(^|_)(name|name_prefix|identifier|bucket)$")


def longest_name() -> int:
    condition = hcl.variable("name")["validation"][0]["condition"]
    match = re.search(r"\^\[a-z\]\[a-z0-9-\]\{(\d+),(\d+)\}\[a-z0-9\]\$", condition)
    assert match, condition
    return 1 + int(match.group(2)) + 1


def expand(value: str) -> int:
    length = longest_name()
    text = value.replace("${var.name}", "")
    for expression, size in OTHER.items():
        text = text.replace("${" + expression + "}", "x" * size)
    assert "${" not in text, f"unknown interpolation in a name: {value!r} (add it to OTHER)"
    return length * value.count("${var.name}") + len(text)


def test_the_name_variable_allows_at_most_24_characters():
    assert longest_name() == 24


def test_every_name_built_from_var_name_fits_its_aws_limit():
    checked = 0
    for _, doc in hcl.documents():
        for entry in doc.get("resource", []):
            for type_, named in entry.items():
                for resource_name, body in named.items():
                    for attribute, value in body.items():
                        if not (isinstance(value, str) and "${var.name}" in value and NAME_ATTRIBUTES.search(attribute)):
                            continue
                        if value.startswith("${") and "?" in value:
                            # A conditional (log group names): check each quoted branch.
                            branches = re.findall(r'"([^"]*)"', value)
                        else:
                            branches = [value]
                        limit = LIMITS.get((type_, attribute))
                        assert limit, f"{type_}.{resource_name}.{attribute} = {value!r}: add its AWS limit to LIMITS"
                        for branch in branches:
                            assert expand(branch) <= limit, f"{type_}.{resource_name}.{attribute}: {branch!r} > {limit}"
                            checked += 1
    assert checked >= 30


def test_the_auto_scaling_configuration_name_is_short():
    name = hcl.resources("aws_apprunner_auto_scaling_configuration_version")["main"]["auto_scaling_configuration_name"]
    assert expand(name) <= 32
