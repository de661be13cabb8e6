#!/usr/bin/env bash
# Deploys mealvote to AWS, first time or any time after:
#   1. build the image and push it to ECR (skipped when the tag is already there: tags are immutable)
#   2. `mealvote publish-assets`: upload the image's own hashed JS/WASM/CSS to the asset bucket
#   3. `terraform apply -var image_tag=<tag>`: App Runner deploys exactly that image
#   4. `mealvote probe`: exercise the live site through its public URL, closing a vote through
#      /internal/finalize-due with the finalize secret (read from SSM)
#
# Usage: infra/deploy.sh [IMAGE_TAG]     (default: the current commit; a dirty tree is refused)
# Needs: aws CLI v2 (credentials for the target account), docker with buildx, terraform >= 1.11,
#        infra/backend.hcl and infra/terraform.tfvars (see infra/README.md).
# AUTO_APPROVE=1 applies without Terraform's confirmation prompt (CI).
set -euo pipefail

INFRA="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$INFRA")"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'deploy: %s\n' "$*" >&2; exit 1; }
tf() { terraform -chdir="$INFRA" "$@"; }
in_state() { tf state list 2>/dev/null | grep -qx "$1"; }

for tool in aws docker terraform git; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -f "$INFRA/backend.hcl" ] || die "infra/backend.hcl is missing (README, \"State\")"
[ -f "$INFRA/terraform.tfvars" ] || die "infra/terraform.tfvars is missing (README, \"Configure\")"

if [ $# -ge 1 ]; then
  tag="$1"
else
  [ -z "$(git -C "$ROOT" status --porcelain)" ] || die "the working tree has uncommitted changes: commit, or pass a tag"
  tag="$(git -C "$ROOT" rev-parse --short=12 HEAD)"
fi
approve=()
[ "${AUTO_APPROVE:-0}" = 1 ] && approve=(-auto-approve)

step "terraform init"
tf init -input=false -backend-config=backend.hcl >/dev/null

# The registry and the bucket must exist before anything can be pushed or published.
if ! in_state aws_ecr_repository.app || ! in_state aws_s3_bucket_public_access_block.assets; then
  step "first deployment: create the registry and the asset bucket"
  # Root outputs are only refreshed when they derive entirely from targeted resources, so the two
  # resources behind ecr_repository_url and assets_bucket are named explicitly.
  tf apply ${approve[@]+"${approve[@]}"} -var "image_tag=$tag" \
    -target=aws_ecr_repository.app \
    -target=aws_ecr_lifecycle_policy.app \
    -target=aws_s3_bucket.assets \
    -target=aws_s3_bucket_public_access_block.assets \
    -target=aws_s3_bucket_ownership_controls.assets \
    -target=aws_s3_bucket_server_side_encryption_configuration.assets \
    -target=aws_s3_bucket_lifecycle_configuration.assets
fi

repository="$(tf output -raw ecr_repository_url)"
bucket="$(tf output -raw assets_bucket)"
registry="${repository%%/*}"        # <account>.dkr.ecr.<region>.amazonaws.com
region="$(cut -d. -f4 <<<"$registry")"
image="$repository:$tag"

step "image $image"
aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
if aws ecr describe-images --region "$region" --repository-name "${repository#*/}" \
  --image-ids "imageTag=$tag" >/dev/null 2>&1; then
  echo "already in ECR: not rebuilding"
else
  # App Runner runs linux/amd64 only; build for it even on an arm64 laptop.
  docker buildx build --platform linux/amd64 --file "$INFRA/docker/Dockerfile" --tag "$image" --push "$ROOT"
fi

# Short-lived credentials for the containers below, from whatever the aws CLI is configured with
# (profile, SSO, environment). The image's binary and site are used, so the published file names are
# exactly the ones its hash.txt refers to.
run_in_image() {
  (
    eval "$(aws configure export-credentials --format env)"
    # `-e NAME` passes a variable only when it is set here: FINALIZE_SECRET only reaches the probe.
    docker run --rm --platform linux/amd64 \
      -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN -e "AWS_REGION=$region" \
      -e FINALIZE_SECRET \
      "$image" "$@"
  )
}

step "publish assets to s3://$bucket"
run_in_image mealvote publish-assets --bucket "$bucket" --site-dir /app/site

step "terraform apply (image_tag=$tag)"
# The custom domain's validation records are unknown until the association exists, so the very
# first apply creates the service and the association, and the second one everything else.
if ! in_state aws_apprunner_custom_domain_association.app; then
  tf apply ${approve[@]+"${approve[@]}"} -var "image_tag=$tag" -target=aws_apprunner_custom_domain_association.app
fi
tf apply ${approve[@]+"${approve[@]}"} -var "image_tag=$tag"

step "probe"
url="$(tf output -raw app_url)"
if [ "$(tf output -raw custom_domain_status)" != "active" ]; then
  # Certificate validation takes minutes to hours after the first deployment.
  echo "custom domain not active yet (see: terraform -chdir=infra output custom_domain_status); probing App Runner's URL"
  url="$(tf output -raw app_runner_url)"
fi
# With the finalize secret the probe closes its deadline slot through POST /internal/finalize-due
# and reuses its four accounts (derived from the secret) instead of signing up new ones each time
# (docs/operations.md, "Running the prober by hand"). It is passed by name, never on a command line.
(
  FINALIZE_SECRET="$(aws ssm get-parameter --region "$region" --with-decryption \
    --name "$(tf output -raw finalize_secret_parameter)" --query Parameter.Value --output text)"
  export FINALIZE_SECRET
  run_in_image mealvote probe --base-url "$url" --timeout 120
)

step "deployed $tag to $(tf output -raw app_url)"
