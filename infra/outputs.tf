output "compute" {
  description = "The compute target this stack runs (apprunner or lambda); deploy.sh reads it."
  value       = var.compute
}

output "app_url" {
  description = "Public URL of the app (custom domain); `mealvote probe --base-url` targets it."
  value       = local.app_url
}

output "fallback_url" {
  description = "The platform's own URL (App Runner's *.awsapprunner.com or the API's execute-api endpoint), usable while the custom domain is not yet resolvable or certified."
  value       = local.use_apprunner ? "https://${aws_apprunner_service.app[0].service_url}" : aws_apigatewayv2_api.app[0].api_endpoint
}

output "assets_url" {
  description = "Base URL of the CDN for JS/WASM/CSS (the app's ASSETS_BASE_URL)."
  value       = local.assets_url
}

output "assets_bucket" {
  description = "Bucket that `mealvote publish-assets --bucket` uploads to."
  value       = aws_s3_bucket.assets.id
}

output "ecr_repository_url" {
  description = "ECR repository to push images to (<url>:<tag>)."
  value       = aws_ecr_repository.app.repository_url
}

output "service_arn" {
  description = "ARN of the App Runner service, or of the Lambda function."
  value       = local.use_apprunner ? aws_apprunner_service.app[0].arn : aws_lambda_function.app[0].arn
}

output "custom_domain_status" {
  description = "`active` once the custom domain serves with a valid certificate. App Runner validates its own (minutes to a day after the first deployment); the Lambda target's ACM certificate is validated within the apply."
  value       = local.use_apprunner ? aws_apprunner_custom_domain_association.app[0].status : "active"
}

output "finalize_secret_parameter" {
  description = "SSM parameter holding FINALIZE_SECRET; `infra/deploy.sh` reads it for `mealvote probe`."
  value       = aws_ssm_parameter.finalize_secret.name
}

output "database_endpoint" {
  description = "Host name of the database (RDS instance or Aurora cluster writer), reachable only from inside the VPC."
  value       = local.db_address
}
