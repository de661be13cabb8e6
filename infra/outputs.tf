output "app_url" {
  description = "Public URL of the app (custom domain); `mealvote probe --base-url` targets it."
  value       = local.app_url
}

output "app_runner_url" {
  description = "App Runner's own URL, usable while the custom domain's certificate is pending."
  value       = "https://${aws_apprunner_service.app.service_url}"
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
  description = "ARN of the App Runner service (for `aws apprunner start-deployment` after a secret rotation)."
  value       = aws_apprunner_service.app.arn
}

output "custom_domain_status" {
  description = "Status of the custom domain association; `active` once App Runner validated the DNS records."
  value       = aws_apprunner_custom_domain_association.app.status
}

output "finalize_secret_parameter" {
  description = "SSM parameter holding FINALIZE_SECRET; `infra/deploy.sh` reads it for `mealvote probe`."
  value       = aws_ssm_parameter.finalize_secret.name
}
