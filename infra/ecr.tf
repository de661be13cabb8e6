# Private registry for the app image. Tags are immutable so a tag names exactly one build and a
# Terraform apply with a new image_tag is a deployment (auto-deployments are off).
resource "aws_ecr_repository" "app" {
  #checkov:skip=CKV_AWS_136:Images hold no secrets and are encrypted at rest with AES-256 by default; a customer-managed KMS key would add $1/month.
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_destroy_artifacts

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

# Storage is $0.10/GB-month: keep the newest images only (the running one and rollback targets).
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the ${var.ecr_keep_images} newest images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_keep_images
      }
      action = { type = "expire" }
    }]
  })
}
