# Browser assets (hashed JS / WASM / CSS) in a private bucket behind CloudFront (docs/architecture.md,
# decision 6). `mealvote publish-assets` uploads them at deploy time with their Content-Type and
# `Cache-Control: public, max-age=31536000, immutable`; the server never touches the bucket.

resource "aws_s3_bucket" "assets" {
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES-256) is deliberate for public, immutable assets; see the encryption configuration below.
  #checkov:skip=CKV_AWS_18:Server access logs would need a second bucket and bill storage for requests to public, immutable files; CloudFront's metrics cover them.
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage for files every deploy republishes from the image.
  #checkov:skip=CKV2_AWS_62:Nothing consumes object events; the deploy script is the only writer.
  # Account ID keeps the globally unique name predictable without a random suffix.
  bucket = "${var.name}-assets-${data.aws_caller_identity.current.account_id}"
  # Versioned objects make a non-empty bucket undeletable; teardown sets this (README, "Teardown").
  force_destroy = var.force_destroy_artifacts
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket = aws_s3_bucket.assets.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# SSE-S3 rather than SSE-KMS: CloudFront OAC can read SSE-KMS objects only with an extra key
# policy, and a customer-managed key costs $1/month for files that are public by design.
resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Versioning turns an accidental overwrite or delete of a live hashed file into a restore.
resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    id     = "expire-old-versions-and-uploads"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.assets]
}

# Only this distribution may read, and only over TLS. Without s3:ListBucket a missing file is a 403.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
data "aws_iam_policy_document" "assets_bucket" {
  statement {
    sid       = "CloudFrontOriginAccessControlRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.assets.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.assets.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.assets.arn, "${aws_s3_bucket.assets.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = data.aws_iam_policy_document.assets_bucket.json

  # A policy naming a service principal is refused while the block is being applied.
  depends_on = [aws_s3_bucket_public_access_block.assets]
}

# --- Certificate (us-east-1, as CloudFront requires) ---------------------------------------------

resource "aws_acm_certificate" "assets" {
  provider = aws.us_east_1

  domain_name       = var.assets_domain
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "assets_validation" {
  for_each = {
    for option in aws_acm_certificate.assets.domain_validation_options :
    option.domain_name => option
  }

  zone_id         = data.aws_route53_zone.main.zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  ttl             = 300
  records         = [each.value.resource_record_value]
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "assets" {
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.assets.arn
  validation_record_fqdns = [for record in aws_route53_record.assets_validation : record.fqdn]
}

# --- CloudFront ----------------------------------------------------------------------------------

resource "aws_cloudfront_origin_access_control" "assets" {
  name                              = "${var.name}-assets"
  description                       = "CloudFront reads ${aws_s3_bucket.assets.id} with SigV4"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# Managed CachingOptimized: long TTLs, gzip + brotli, no cookies / query strings in the cache key.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
data "aws_cloudfront_cache_policy" "caching_optimized" {
  name = "Managed-CachingOptimized"
}

# The hydration script imports the JS module and fetches the WASM with CORS, so responses must carry
# Access-Control-Allow-Origin for the app's origin (docs/toolchain.md, "Serving JS/WASM/CSS from a CDN
# origin"). CloudFront adds the header per request at the edge, so it does not split the cache.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
resource "aws_cloudfront_response_headers_policy" "assets" {
  #checkov:skip=CKV_AWS_259:HSTS is sent for two years with includeSubDomains; `preload` is decided by the registrable domain's own header (hstspreload.org), which this stack does not own.
  name    = "${var.name}-assets"
  comment = "CORS for ${local.app_url} and HSTS"

  cors_config {
    access_control_allow_credentials = false
    access_control_max_age_sec       = 86400
    origin_override                  = true

    access_control_allow_headers {
      items = ["*"]
    }

    access_control_allow_methods {
      items = ["GET", "HEAD", "OPTIONS"]
    }

    access_control_allow_origins {
      items = [local.app_url]
    }
  }

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = false
      override                   = true
    }

    content_type_options {
      override = true
    }
  }
}

resource "aws_cloudfront_distribution" "assets" {
  #checkov:skip=CKV_AWS_68:AWS WAF costs at least $5/month plus $1 per rule, a third of the whole bill, to guard static, immutable files.
  #checkov:skip=CKV2_AWS_47:Follows from CKV_AWS_68: there is no WAF to hold the Log4j rule set, and no Java anywhere.
  #checkov:skip=CKV_AWS_86:Standard access logs need a logging bucket with ACLs; CloudFront's free metrics are enough for static assets.
  #checkov:skip=CKV_AWS_310:A single S3 origin in one region; a failover origin would need a replicated second bucket (see CKV_AWS_144).
  #checkov:skip=CKV_AWS_374:The household may vote from anywhere; geo restriction would only break travel.
  #checkov:skip=CKV_AWS_305:The distribution serves hashed asset files only; there is no index document to default to.
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  comment         = "${var.name} browser assets"
  aliases         = [var.assets_domain]
  # North America and Europe edges only: the cheapest price class.
  price_class = "PriceClass_100"

  origin {
    origin_id                = "s3-assets"
    domain_name              = aws_s3_bucket.assets.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.assets.id
  }

  default_cache_behavior {
    target_origin_id           = "s3-assets"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.assets.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.assets.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  lifecycle {
    precondition {
      condition     = endswith(var.assets_domain, ".${local.zone_name}")
      error_message = "assets_domain must be a subdomain of route53_zone_name."
    }
  }
}

resource "aws_route53_record" "assets" {
  for_each = toset(["A", "AAAA"])

  zone_id = data.aws_route53_zone.main.zone_id
  name    = var.assets_domain
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.assets.domain_name
    zone_id                = aws_cloudfront_distribution.assets.hosted_zone_id
    evaluate_target_health = false
  }
}
