# One dashboard for either target and either database: the app's EMF metrics (namespace "mealvote",
# docs/operations.md, "Metrics") first, then the platform's and the database's own metrics. Each
# widget's metric list is JSON text until the end, so the per-target lists have one type.

locals {
  ns = local.emf_namespace

  dashboard_app_widgets = [
    {
      title = "Requests by status class (EMF Requests, all routes)"
      stat  = "Sum"
      metrics = jsonencode([[{
        id         = "requests"
        expression = "SELECT SUM(Requests) FROM SCHEMA(\"${local.ns}\", Route, StatusClass) GROUP BY StatusClass"
        period     = 300
      }]])
    },
    {
      title = "Latency p95 by route (EMF RequestLatency, ms)"
      stat  = "p95"
      metrics = jsonencode([[{
        id         = "latency"
        expression = "SEARCH('{${local.ns},Route,StatusClass} MetricName=\"RequestLatency\"', 'p95', 300)"
      }]])
    },
    {
      title = "Ballots saved, slots closed by path, ties broken by lot"
      stat  = "Sum"
      metrics = jsonencode([
        [local.ns, "BallotsSaved"],
        [local.ns, "TiesBrokenByLot"],
        [{ id = "closed", expression = "SEARCH('{${local.ns},Path} MetricName=\"SlotsClosed\"', 'Sum', 300)" }],
      ])
    },
    {
      title   = "Failed sign-ins"
      stat    = "Sum"
      metrics = jsonencode([[local.ns, "SignInFailures", { color = "#d62728" }]])
    },
    {
      title   = "Database pool per copy of the app (max of PoolInUse, PoolIdle)"
      stat    = "Maximum"
      metrics = jsonencode([[local.ns, "PoolInUse"], [local.ns, "PoolIdle"]])
    },
    {
      title   = "finalize-due batch duration (EMF FinalizeDueDuration, ms)"
      stat    = "Maximum"
      metrics = jsonencode([[local.ns, "FinalizeDueDuration"]])
    },
  ]

  dashboard_platform_widgets = local.use_apprunner ? [
    {
      title = "App Runner: requests and 5xx; active instances"
      stat  = "Sum"
      metrics = jsonencode([
        ["AWS/AppRunner", "Requests", "ServiceName", aws_apprunner_service.app[0].service_name, "ServiceID", aws_apprunner_service.app[0].service_id],
        [".", "5xxStatusResponses", ".", ".", ".", ".", { color = "#d62728" }],
        [".", "ActiveInstances", ".", ".", ".", ".", { stat = "Maximum", yAxis = "right" }],
      ])
    },
    ] : [
    {
      title = "API Gateway: requests and 5xx"
      stat  = "Sum"
      metrics = jsonencode([
        ["AWS/ApiGateway", "Count", "ApiId", aws_apigatewayv2_api.app[0].id],
        [".", "5xx", ".", ".", { color = "#d62728" }],
      ])
    },
    {
      title = "Lambda: concurrency, throttles, duration p95 (ms)"
      stat  = "Maximum"
      metrics = jsonencode([
        ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", aws_lambda_function.app[0].function_name],
        [".", "Throttles", ".", ".", { stat = "Sum", color = "#d62728" }],
        [".", "Duration", ".", ".", { stat = "p95", yAxis = "right" }],
      ])
    },
  ]

  dashboard_database_widgets = local.use_rds ? [
    {
      title = "RDS: CPU (%) and connections"
      stat  = "Maximum"
      metrics = jsonencode([
        ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main[0].identifier, { stat = "Average" }],
        [".", "DatabaseConnections", ".", ".", { yAxis = "right" }],
      ])
    },
    ] : [
    {
      title = "Aurora: capacity (ACU, 0 while paused) and connections"
      stat  = "Maximum"
      metrics = jsonencode([
        ["AWS/RDS", "ServerlessDatabaseCapacity", "DBClusterIdentifier", aws_rds_cluster.main[0].cluster_identifier],
        [".", "DatabaseConnections", ".", ".", { yAxis = "right" }],
      ])
    },
  ]

  dashboard_schedule_widgets = local.finalize_via_api_destination ? [
    {
      title = "Scheduled finalize-due calls (${local.finalize_schedule})"
      stat  = "Sum"
      metrics = jsonencode([
        ["AWS/Events", "Invocations", "RuleName", aws_cloudwatch_event_rule.finalize_due[0].name],
        [".", "FailedInvocations", ".", ".", { color = "#d62728" }],
      ])
    },
    ] : local.finalize_via_scheduler ? [
    {
      title = "Scheduled finalize-due invocations (${local.finalize_schedule})"
      stat  = "Sum"
      metrics = jsonencode([
        ["AWS/Scheduler", "InvocationAttemptCount", "ScheduleGroup", aws_scheduler_schedule_group.app[0].name],
        [".", "InvocationDroppedCount", ".", ".", { color = "#d62728" }],
      ])
    },
  ] : []

  dashboard_widgets = concat(
    local.dashboard_app_widgets,
    local.dashboard_platform_widgets,
    local.dashboard_database_widgets,
    local.dashboard_schedule_widgets,
  )
}

resource "aws_cloudwatch_dashboard" "main" {
  count = var.enable_dashboard ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      for index, widget in local.dashboard_widgets : {
        type   = "metric"
        x      = (index % 3) * 8
        y      = floor(index / 3) * 6
        width  = 8
        height = 6
        properties = {
          title   = widget.title
          region  = var.region
          stat    = widget.stat
          period  = 300
          view    = "timeSeries"
          metrics = jsondecode(widget.metrics)
        }
      }
    ]
  })
}
