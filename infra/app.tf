# What the app gets on either compute target (docs/architecture.md, decision 7: configured by
# environment only, so the same image runs on App Runner and on Lambda).

locals {
  app_url    = "https://${var.app_domain}"
  assets_url = "https://${var.assets_domain}"
  # The app's own host name may be the zone apex; Route 53 then needs an alias record (a CNAME cannot
  # sit beside the apex's SOA and NS records).
  app_domain_is_apex = var.app_domain == local.zone_name

  app_environment = merge(
    {
      # The server binds 127.0.0.1 unless told otherwise (the image also sets this).
      HOST = "0.0.0.0"
      # App Runner also sets PORT from image_configuration.port; the Lambda Web Adapter forwards to it.
      PORT            = "8080"
      PUBLIC_BASE_URL = local.app_url
      ASSETS_BASE_URL = local.assets_url
      # JSON log lines, and the EMF metric lines CloudWatch turns into metrics (namespace "mealvote",
      # dashboard.tf), on stdout.
      LOG_FORMAT = "json"
      # The app writes those EMF lines only when asked: once a minute, and at shutdown
      # (docs/operations.md, "CloudWatch: embedded metric format").
      METRICS_EMF = "true"
      # EventBridge drives finalization (scheduler.tf); App Runner throttles idle CPU and Lambda
      # freezes it, so an in-process ticker would stall exactly when nobody uses the app (decision 2).
      TICKER_INTERVAL_SECS = "0"
      # Per copy of the app; copies × this fits the database's connection budget (database_common.tf).
      DATABASE_MAX_CONNECTIONS = tostring(local.app_pool_size)
      # No password in it: the app signs an IAM token for each new connection with the role's
      # credentials (secrets.tf), so it is configuration, not a secret.
      DATABASE_URL      = local.database_url
      DATABASE_IAM_AUTH = "true"
    },
    local.db_environment,
  )
}
