"""The four combinations (compute apprunner|lambda × database rds|aurora) and the review's defects:
per combination no NAT, no interface endpoints, no load balancer, no public database; the Lambda
target's shape; the Aurora variant's pause; rotation redeploys; PostgreSQL logs no bind parameters;
the finalize alarm can fire at every schedule; apex domains."""

from __future__ import annotations

import re

import pytest

from hcl import COMBINATIONS, active, active_types, block, local, resources, variable

# --- per combination -------------------------------------------------------------------------------


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_no_nat_no_internet_gateway_no_public_ip(combo):
    types = active_types(combo)
    assert not {"aws_nat_gateway", "aws_internet_gateway", "aws_eip", "aws_nat_gateway_eip_association"} & types
    # The only way out is Lambda's egress-only gateway (IPv6, nothing inbound).
    assert ("aws_egress_only_internet_gateway" in types) == (combo.compute == "lambda")
    for name, subnet in active("aws_subnet", combo).items():
        assert subnet["map_public_ip_on_launch"] is False, name
    # No route anywhere sends IPv4 out of the VPC.
    routes = [route for table in active("aws_route_table", combo).values() for route in table.get("route", [])]
    routes += list(active("aws_route", combo).values())
    for route in routes:
        assert "cidr_block" not in route and "destination_cidr_block" not in route, route
        assert not {"gateway_id", "nat_gateway_id"} & route.keys(), route


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_lambda_reaches_the_internet_over_ipv6_only_through_an_egress_only_gateway(combo):
    gateways = active("aws_egress_only_internet_gateway", combo)
    tables = active("aws_route_table", combo)
    associations = active("aws_route_table_association", combo)
    environment = local("lambda_environment") if combo.compute == "lambda" else local("apprunner_environment")
    if combo.compute == "apprunner":
        # App Runner's VPC connector carries IPv4 only: no way out, and the server is told so.
        assert not gateways and not tables and not associations
        assert re.search(r'\bOUTBOUND = "none"', environment)
        return
    (gateway_name,) = gateways
    assert gateways[gateway_name]["vpc_id"] == "${aws_vpc.main.id}"
    # The VPC's Amazon-provided /56, a /64 of it per subnet, addresses assigned to new ENIs.
    vpc = resources("aws_vpc")["main"]
    assert vpc["assign_generated_ipv6_cidr_block"] == "${local.use_lambda}"
    subnet = resources("aws_subnet")["private"]
    assert subnet["ipv6_cidr_block"] == "${local.use_lambda ? cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, count.index) : null}"
    assert subnet["assign_ipv6_address_on_creation"] == "${local.use_lambda}"
    # The function's subnets route ::/0 to that gateway, and nothing else leaves.
    (table_name,) = tables
    (route,) = tables[table_name]["route"]
    assert route == {"ipv6_cidr_block": "::/0",
                     "egress_only_gateway_id": f"${{aws_egress_only_internet_gateway.{gateway_name}[0].id}}"}
    (association,) = associations.values()
    assert association["count"] == "${local.use_lambda ? length(aws_subnet.private) : 0}"
    assert association["subnet_id"] == "${aws_subnet.private[count.index].id}"
    assert association["route_table_id"] == f"${{aws_route_table.{table_name}[0].id}}"
    function = resources("aws_lambda_function")["app"]
    vpc_config = block(function, "vpc_config")
    assert vpc_config["subnet_ids"] == "${aws_subnet.private[*].id}"
    assert vpc_config.get("ipv6_allowed_for_dual_stack") is True
    # The server connects to IPv6 addresses only, and names the cause when a host has none.
    assert re.search(r'\bOUTBOUND = "ipv6"', environment)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_no_interface_endpoints(combo):
    for name, body in active("aws_vpc_endpoint", combo).items():
        assert body.get("vpc_endpoint_type", "Gateway") == "Gateway", name


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_no_load_balancer(combo):
    assert not {"aws_lb", "aws_alb", "aws_elb", "aws_lb_listener", "aws_alb_listener"} & active_types(combo)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_exactly_one_private_encrypted_database(combo):
    instances = active("aws_db_instance", combo)
    clusters = active("aws_rds_cluster", combo)
    members = active("aws_rds_cluster_instance", combo)
    if combo.database == "rds":
        assert len(instances) == 1 and not clusters and not members
        (db,) = instances.values()
        assert db["publicly_accessible"] is False and db["storage_encrypted"] is True
    else:
        assert len(clusters) == 1 and len(members) == 1 and not instances
        (cluster,) = clusters.values()
        (member,) = members.values()
        assert member["publicly_accessible"] is False and cluster["storage_encrypted"] is True
        assert cluster["engine_lifecycle_support"] == "open-source-rds-extended-support-disabled"


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_exactly_one_compute_target(combo):
    services = active("aws_apprunner_service", combo)
    functions = active("aws_lambda_function", combo)
    apis = active("aws_apigatewayv2_api", combo)
    if combo.compute == "apprunner":
        assert len(services) == 1 and not functions and not apis
    else:
        assert len(functions) == 1 and len(apis) == 1 and not services
        assert not active("aws_cloudfront_distribution", combo).keys() - {"assets"}
        assert not active("aws_lambda_function_url", combo)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_the_connections_fit_the_database(combo):
    max_connections = 80 if combo.database == "rds" else 100
    budget = max_connections - 3 - 7
    pool = 2 if combo.compute == "lambda" else 10
    copies = variable("lambda_reserved_concurrency")["default"] if combo.compute == "lambda" else 2
    assert copies * pool <= budget
    assert local("db_max_connections") == "${local.use_rds ? 80 : 100}"
    for group in ("aws_db_parameter_group", "aws_rds_cluster_parameter_group"):
        parameters = {p["name"]: p for p in resources(group)["main"]["parameter"]}
        assert parameters["max_connections"]["value"] == "${tostring(local.db_max_connections)}"


# --- Lambda ------------------------------------------------------------------------------------------


def test_lambda_runs_the_same_image_in_the_private_subnets():
    function = resources("aws_lambda_function")["app"]
    assert function["package_type"] == "Image"
    assert function["image_uri"] == "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
    assert function["architectures"] == ["x86_64"]
    vpc = block(function, "vpc_config")
    assert vpc["subnet_ids"] == "${aws_subnet.private[*].id}"
    assert vpc["security_group_ids"] == ["${aws_security_group.lambda[0].id}"]
    assert function["reserved_concurrent_executions"] == "${coalesce(var.lambda_reserved_concurrency, -1)}"
    assert function["timeout"] <= 30


def test_lambda_gets_the_app_environment_and_the_adapter_settings_and_no_secret():
    environment = local("lambda_environment")
    assert "local.app_environment" in environment
    expected = {
        "AWS_LWA_PORT": '"8080"',
        # The adapter's target; HOST (0.0.0.0, where the server listens) would otherwise be read as it.
        "AWS_LWA_HOST": '"127.0.0.1"',
        "AWS_LWA_READINESS_CHECK_PATH": '"/healthz"',
        "AWS_LWA_PASS_THROUGH_PATH": '"/internal/events"',
        "INTERNAL_EVENTS": '"lambda"',
        "CLIENT_IP_SOURCE": '"lambda-request-context"',
        "MIGRATE_ON_START": '"false"',
    }
    for key, value in expected.items():
        assert re.search(rf"\b{key} = {re.escape(value)}", environment), key
    for key in ("FINALIZE_SECRET", "DATABASE_BOOTSTRAP_PASSWORD", "BEHIND_PROXY"):
        assert key not in environment + local("app_environment"), key


def test_lambda_is_fronted_by_an_http_api_with_a_custom_domain_not_a_function_url():
    api = resources("aws_apigatewayv2_api")["app"]
    assert api["protocol_type"] == "HTTP"
    integration = resources("aws_apigatewayv2_integration")["app"]
    assert integration["integration_type"] == "AWS_PROXY"
    assert integration["payload_format_version"] == "2.0"
    domain = resources("aws_apigatewayv2_domain_name")["app"]
    assert block(domain, "domain_name_configuration")["security_policy"] == "TLS_1_2"
    record = resources("aws_route53_record")["app_lambda"]
    assert "alias" in record
    throttle = block(resources("aws_apigatewayv2_stage")["default"], "default_route_settings")
    assert throttle["throttling_rate_limit"] <= 50
    # The custom domain is the only way in; /internal/* is refused at the edge.
    assert api["disable_execute_api_endpoint"] is True
    internal = resources("aws_apigatewayv2_route")["internal"]
    assert (internal["route_key"], internal["authorization_type"]) == ("ANY /internal/{proxy+}", "AWS_IAM")


def test_lambda_may_only_write_its_logs_connect_as_its_user_and_manage_its_enis():
    import hcl

    document = hcl.blocks("data", "aws_iam_policy_document")["lambda"]
    statements = {s["sid"]: s for s in document["statement"]}
    assert set(statements) == {"WriteOwnLogs", "ConnectAsAppUser"}
    assert statements["WriteOwnLogs"]["resources"] == ["${aws_cloudwatch_log_group.lambda[0].arn}:*"]
    assert statements["ConnectAsAppUser"]["actions"] == ["rds-db:connect"]
    assert statements["ConnectAsAppUser"]["resources"] == ["${local.db_connect_arn}"]
    attachments = {a["policy_arn"] for a in resources("aws_iam_role_policy_attachment").values()
                   if "aws_iam_role.lambda" in a["role"]}
    assert attachments <= {
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    }


# --- Aurora ------------------------------------------------------------------------------------------


def test_aurora_pauses_at_zero_acu():
    cluster = resources("aws_rds_cluster")["main"]
    scaling = block(cluster, "serverlessv2_scaling_configuration")
    assert scaling["min_capacity"] == 0
    assert scaling["seconds_until_auto_pause"] == "${var.aurora_seconds_until_auto_pause}"
    assert variable("aurora_seconds_until_auto_pause")["default"] == 300
    assert resources("aws_rds_cluster_instance")["main"]["instance_class"] == "db.serverless"
    parameters = {p["name"]: p["value"] for p in resources("aws_rds_cluster_parameter_group")["main"]["parameter"]}
    assert parameters["idle_session_timeout"] == "${tostring(local.aurora_idle_session_timeout_secs * 1000)}"
    assert 0 < local("aurora_idle_session_timeout_secs") <= 300
    # The pool lets go of idle connections before the server ends their sessions.
    assert "DATABASE_IDLE_TIMEOUT_SECS = tostring(floor(local.aurora_idle_session_timeout_secs / 2))" in local("db_environment")


def test_the_schedule_does_not_wake_aurora_and_the_app_waits_for_a_resume():
    assert variable("finalize_schedule")["default"] is None
    assert local("finalize_schedule") == '${coalesce(var.finalize_schedule, local.use_aurora ? "off" : "rate(15 minutes)")}'
    assert "DATABASE_ACQUIRE_TIMEOUT_SECS" in local("db_environment")


# --- the review's defects ------------------------------------------------------------------------------


def test_rotating_a_secret_changes_the_service_configuration_in_the_same_apply():
    version = local("secrets_version")
    assert "local.db_password_version" in version and "var.finalize_secret_version" in version
    assert "ROTATION_VERSION = local.secrets_version" in local("apprunner_environment")
    assert resources("terraform_data")["finalize_secret"]["triggers_replace"] == ["${var.finalize_secret_version}"]
    assert resources("aws_ssm_parameter")["finalize_secret"]["value_wo_version"] == "${var.finalize_secret_version}"


def test_aurora_never_plans_a_downgrade_after_an_automatic_minor_upgrade():
    # AWS upgrades minors in the maintenance window; a plan that compares with the configured
    # version would try to go back, which RDS refuses.
    cluster = resources("aws_rds_cluster")["main"]
    member = resources("aws_rds_cluster_instance")["main"]
    assert member["auto_minor_version_upgrade"] is True
    for body in (cluster, member):
        assert "engine_version" in block(body, "lifecycle").get("ignore_changes", [])


def test_the_budget_follows_the_variant():
    assert variable("monthly_budget_usd")["default"] is None
    defaults = local("default_monthly_budget_usd")
    assert set(defaults) == {"apprunner+rds", "apprunner+aurora", "lambda+rds", "lambda+aurora"}
    assert "local.monthly_budget_usd" in resources("aws_budgets_budget")["monthly"]["limit_amount"]


def test_the_metrics_insights_alarm_is_off_by_default():
    alarm = resources("aws_cloudwatch_metric_alarm")["app_5xx"]
    assert alarm["count"] == "${var.enable_app_5xx_alarm ? 1 : 0}"
    assert variable("enable_app_5xx_alarm")["default"] is False


def test_no_expression_relies_on_short_circuit_evaluation():
    # Terraform before 1.12 evaluates both sides of || and &&: `x == null || f(x)` fails on null.
    import hcl

    for _, doc in hcl.documents():
        text = str(doc)
        assert not re.search(r"== null \|\||!= null &&", text), re.search(r".{60}(== null \|\||!= null &&).{60}", text)


def test_postgresql_never_logs_bind_parameters_or_error_details():
    policy = {
        "log_parameter_max_length": "0",
        "log_parameter_max_length_on_error": "0",
        "log_error_verbosity": "terse",
    }
    logging = local("db_log_parameters")
    for key, value in policy.items():
        assert logging[key] == value, key
    assert logging["log_statement"] in {"none", "ddl"}, "mod/all log statements with their parameters"
    for group in ("aws_db_parameter_group", "aws_rds_cluster_parameter_group"):
        parameters = {p["name"]: p["value"] for p in resources(group)["main"]["parameter"]}
        assert "log_statement" in parameters and "log_min_duration_statement" in parameters
        for key in policy:
            assert parameters.get(key) == f'${{local.db_log_parameters["{key}"]}}', (group, key)


def test_the_finalize_alarm_can_fire_at_every_supported_schedule():
    intervals = local("finalize_schedule_seconds")
    accepted = re.findall(r'"((?:rate\([^)]*\))|off)"', variable("finalize_schedule")["validation"][0]["condition"])
    assert set(accepted) == set(intervals) | {"off"}
    alarm = resources("aws_cloudwatch_metric_alarm")["finalize_due_failed"]
    assert alarm["period"] == "${max(3600, local.finalize_interval)}"
    assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["threshold"] == 1 and alarm["evaluation_periods"] == 1
    for schedule, interval in intervals.items():
        period = max(3600, interval)
        calls_per_window = period // interval
        assert calls_per_window >= alarm["threshold"], schedule
        assert period % 60 == 0 and period * alarm["evaluation_periods"] <= 86400, schedule


def test_the_zone_apex_is_served_through_alias_records():
    apex = resources("aws_route53_record")["app_apex"]
    assert apex["type"] == "A" and "alias" in apex
    assert "local.app_domain_is_apex" in apex["count"]
    assert "local.app_domain_is_apex" in resources("aws_route53_record")["app"]["count"]
    assert "zone apex" in variable("app_domain")["description"]


def test_the_dashboard_and_alarms_use_the_emf_metric_names():
    names = ["Requests", "RequestLatency", "BallotsSaved", "SlotsClosed", "TiesBrokenByLot",
             "SignInFailures", "PoolInUse", "PoolIdle", "FinalizeDueDuration"]
    dashboard = str(local("dashboard_app_widgets"))
    for name in names:
        assert name in dashboard, name
    assert re.search(r'SCHEMA\(\\*"\$\{local\.ns\}\\*", Route, StatusClass\)', dashboard)
    assert "{${local.ns},Path}" in dashboard
    assert local("emf_namespace") == "mealvote"
    alarms = resources("aws_cloudwatch_metric_alarm")
    query = block(alarms["app_5xx"], "metric_query")["expression"]
    assert "SUM(Requests)" in query and "StatusClass = '5xx'" in query
    assert alarms["sign_in_failures"]["metric_name"] == "SignInFailures"
    assert alarms["pool_exhausted"]["metric_name"] == "PoolInUse"
