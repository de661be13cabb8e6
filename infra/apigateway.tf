# The Lambda target's front door: an API Gateway HTTP API with a custom domain (compute = "lambda").
#
# Why an HTTP API and not CloudFront: it invokes the function directly (no function URL to protect),
# passes request bodies as they are, terminates TLS for the custom domain with a regional ACM
# certificate that Terraform validates in the same apply, and serves a zone apex through a Route 53
# alias. CloudFront in front of a function URL would need Origin Access Control to keep the URL
# private, and OAC makes the viewer sign every POST body (x-amz-content-sha256), which browsers
# posting forms and server functions do not do; without OAC the function URL is a second, public
# front door that bypasses CloudFront. Price: $1.00 per million requests, cents for a household.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api.html
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-lambda.html

resource "aws_apigatewayv2_api" "app" {
  count = local.use_lambda ? 1 : 0

  name          = var.name
  description   = "${var.name}: every request to the Lambda function"
  protocol_type = "HTTP"
  # The custom domain is the only way in: the default https://<id>.execute-api.<region>.amazonaws.com
  # address would let scanners that crawl those names start the function (and so the database).
  disable_execute_api_endpoint = true
}

resource "aws_apigatewayv2_integration" "app" {
  count = local.use_lambda ? 1 : 0

  api_id                 = aws_apigatewayv2_api.app[0].id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.app[0].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "default" {
  #checkov:skip=CKV_AWS_309:The app is public and authenticates its own users (sessions); /internal/* has its own IAM-authorized route below.
  count = local.use_lambda ? 1 : 0

  api_id             = aws_apigatewayv2_api.app[0].id
  route_key          = "$default"
  target             = "integrations/${aws_apigatewayv2_integration.app[0].id}"
  authorization_type = "NONE"
}

# /internal/* is for the function's own events (the schedule, deploy.sh's migrate), which reach it
# directly, never through API Gateway: this route makes API Gateway itself answer 403 to the public
# (no SigV4-signed caller is ever allowed), and the app refuses anything API Gateway forwards there.
resource "aws_apigatewayv2_route" "internal" {
  count = local.use_lambda ? 1 : 0

  api_id             = aws_apigatewayv2_api.app[0].id
  route_key          = "ANY /internal/{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.app[0].id}"
  authorization_type = "AWS_IAM"
}

resource "aws_apigatewayv2_stage" "default" {
  #checkov:skip=CKV_AWS_76:The app logs every request once as JSON (route, status, latency, request id); API Gateway access logs would bill the same lines twice.
  count = local.use_lambda ? 1 : 0

  api_id      = aws_apigatewayv2_api.app[0].id
  name        = "$default"
  auto_deploy = true

  # A household makes a few requests a second at most; the cap bounds cost and load from a flood
  # (the function's reserved concurrency bounds database connections).
  default_route_settings {
    throttling_burst_limit = 50
    throttling_rate_limit  = 20
  }
}

resource "aws_lambda_permission" "apigateway" {
  count = local.use_lambda ? 1 : 0

  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.app[0].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.app[0].execution_arn}/*"
}

# --- Custom domain (regional certificate, validated in the same apply) ---------------------------

resource "aws_acm_certificate" "app" {
  count = local.use_lambda ? 1 : 0

  domain_name       = var.app_domain
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "app_certificate_validation" {
  for_each = local.use_lambda ? {
    for option in aws_acm_certificate.app[0].domain_validation_options :
    option.domain_name => option
  } : {}

  zone_id         = data.aws_route53_zone.main.zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  ttl             = 300
  records         = [each.value.resource_record_value]
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "app" {
  count = local.use_lambda ? 1 : 0

  certificate_arn         = aws_acm_certificate.app[0].arn
  validation_record_fqdns = [for record in aws_route53_record.app_certificate_validation : record.fqdn]
}

resource "aws_apigatewayv2_domain_name" "app" {
  count = local.use_lambda ? 1 : 0

  domain_name = var.app_domain

  domain_name_configuration {
    certificate_arn = aws_acm_certificate_validation.app[0].certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "app" {
  count = local.use_lambda ? 1 : 0

  api_id      = aws_apigatewayv2_api.app[0].id
  domain_name = aws_apigatewayv2_domain_name.app[0].id
  stage       = aws_apigatewayv2_stage.default[0].id
}

# An alias record works for the zone apex and for subdomains alike. IPv4 only: the domain name's
# endpoint is not dual-stack.
resource "aws_route53_record" "app_lambda" {
  count = local.use_lambda ? 1 : 0

  zone_id = data.aws_route53_zone.main.zone_id
  name    = var.app_domain
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.app[0].domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.app[0].domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}
