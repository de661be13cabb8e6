output "compute" {
  description = "The compute target this stack runs (apprunner or lambda); deploy.sh reads it."
  value       = var.compute
}

output "app_url" {
  description = "Public URL of the app (custom domain); `mealvote probe --base-url` targets it."
  value       = local.app_url
}

output "fallback_url" {
  description = "App Runner's own *.awsapprunner.com URL, usable while the custom domain is not yet certified; on Lambda the custom domain (the execute-api endpoint is disabled, and the certificate is validated within the apply)."
  value       = local.use_apprunner ? "https://${aws_apprunner_service.app[0].service_url}" : local.app_url
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
  description = "App Runner: SSM parameter holding FINALIZE_SECRET, which `infra/deploy.sh` reads for `mealvote probe`. Lambda: empty (no shared secret)."
  value       = local.use_apprunner ? aws_ssm_parameter.finalize_secret[0].name : ""
}

output "db_bootstrap_password_parameter" {
  description = "SSM parameter holding the database's master password, which the migrate step uses once to grant rds_iam (deploy.sh sends it in the Lambda migrate event)."
  value       = aws_ssm_parameter.db_bootstrap_password.name
}

output "function_name" {
  description = "Lambda: the function that deploy.sh invokes with {\"mealvote\":\"migrate\"}. App Runner: empty."
  value       = local.use_lambda ? aws_lambda_function.app[0].function_name : ""
}

output "database_endpoint" {
  description = "Host name of the database (RDS instance or Aurora cluster writer), reachable only from inside the VPC."
  value       = local.db_address
}

output "image_tag" {
  description = "The image tag this stack runs; `infra/deploy.sh --teardown` passes it back to the final apply and destroy."
  value       = var.image_tag
}
