#!/usr/bin/env bash
# Deploys mealvote to AWS, first time or any time after, on either compute target:
#   1. preflight, before anything is created: credentials; with compute = "apprunner", that the
#      account may use App Runner (closed to new customers since 2026-04-30); with "lambda", that
#      the account's concurrency fits the database's connection budget
#   2. build the image from a clean export of the commit (never the working tree) and push it to
#      ECR as a single-platform manifest (skipped when the tag is already there: tags are immutable)
#   3. `mealvote publish-assets`: upload the image's own hashed JS/WASM/CSS to the asset bucket
#   4. `terraform apply -var image_tag=<tag>`: App Runner or Lambda runs exactly that image
#   5. `mealvote probe`: exercise the live site through its public URL, closing a vote through
#      /internal/finalize-due with the finalize secret (read from SSM)
#
# Usage: infra/deploy.sh [--dry-run] [IMAGE_TAG]
#   IMAGE_TAG   a git tag or commit of this repository; default: the current commit (a dirty tree
#               is refused). Either way the image is built from `git archive` of that commit.
#   --dry-run   print the steps it would take for the target in terraform.tfvars; run nothing
# Needs: aws CLI v2 (credentials for the target account), docker with buildx, terraform >= 1.11,
#        git, infra/backend.hcl and infra/terraform.tfvars (see infra/README.md).
# AUTO_APPROVE=1 applies without Terraform's confirmation prompt (CI).
set -euo pipefail

INFRA="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$INFRA")"
TFVARS="$INFRA/terraform.tfvars"
# Per copy of the app on Lambda (DATABASE_MAX_CONNECTIONS) and the database's connection budget
# (max_connections less reserved and operator connections): the numbers in database_common.tf.
LAMBDA_POOL_SIZE=2
declare -A CONNECTION_BUDGET=([rds]=70 [aurora]=90)

dry_run=false
if [ "${1:-}" = "--dry-run" ]; then
  dry_run=true
  shift
fi
[ $# -le 1 ] || { echo "usage: infra/deploy.sh [--dry-run] [IMAGE_TAG]" >&2; exit 2; }

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'deploy: %s\n' "$*" >&2; exit 1; }
# run CMD...: run it, or in a dry run print it.
run() {
  if $dry_run; then printf '  + %s\n' "$*"; else "$@"; fi
}
tf() { run terraform -chdir="$INFRA" "$@"; }
# tf_output NAME: a Terraform output, or a placeholder in a dry run.
tf_output() {
  if $dry_run; then printf '<%s>' "$1"; else terraform -chdir="$INFRA" output -raw "$1"; fi
}
in_state() { ! $dry_run && terraform -chdir="$INFRA" state list 2>/dev/null | grep -qx "$1"; }
# tfvar NAME DEFAULT: a plain `name = value` from terraform.tfvars (quotes stripped), or DEFAULT.
tfvar() {
  local value
  value="$(sed -nE "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"?([^\"#]*[^\"#[:space:]])\"?.*$/\1/p" "$TFVARS" 2>/dev/null | tail -n1)"
  printf '%s' "${value:-$2}"
}

[ -f "$TFVARS" ] || die "infra/terraform.tfvars is missing (README, \"Configure\")"
compute="$(tfvar compute apprunner)"
database="$(tfvar database rds)"
region="$(tfvar region us-east-1)"
reserved="$(tfvar lambda_reserved_concurrency 10)"
case "$compute" in apprunner | lambda) ;; *) die "compute must be apprunner or lambda, not \"$compute\"" ;; esac
case "$database" in rds | aurora) ;; *) die "database must be rds or aurora, not \"$database\"" ;; esac

if ! $dry_run; then
  for tool in aws docker terraform git; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
  done
  [ -f "$INFRA/backend.hcl" ] || die "infra/backend.hcl is missing (README, \"State\")"
fi

# --- which commit, and a clean copy of it --------------------------------------------------------
if [ $# -ge 1 ]; then
  tag="$1"
  # A tag names one build forever (ECR tags are immutable), so it must name a commit here; the
  # image is built from that commit's files, whatever the working tree holds.
  commit="$(git -C "$ROOT" rev-parse --verify --quiet "refs/tags/$tag^{commit}" ||
    git -C "$ROOT" rev-parse --verify --quiet "$tag^{commit}")" ||
    die "\"$tag\" is not a tag or commit of this repository: tag a commit (git tag $tag <commit>) first"
else
  [ -z "$(git -C "$ROOT" status --porcelain)" ] || die "the working tree has uncommitted changes: commit, or pass a tag"
  commit="$(git -C "$ROOT" rev-parse HEAD)"
  tag="$(git -C "$ROOT" rev-parse --short=12 HEAD)"
fi
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ && "$tag" != latest ]] || die "\"$tag\" is not a valid image tag"
approve=()
[ "${AUTO_APPROVE:-0}" = 1 ] && approve=(-auto-approve)

$dry_run && printf 'deploy (dry run): compute=%s database=%s region=%s tag=%s commit=%s\n' \
  "$compute" "$database" "$region" "$tag" "$commit"

# --- 1. preflight: nothing is created before these pass ------------------------------------------
step "preflight: credentials"
run aws sts get-caller-identity --query Account --output text

if [ "$compute" = apprunner ]; then
  step "preflight: App Runner availability"
  # Accounts that never used App Runner are refused since 2026-04-30; existing customers get a
  # (possibly empty) list. Checked before init and apply, so a refused account creates nothing.
  if $dry_run; then
    run aws apprunner list-services --region "$region" --max-results 1
    echo "  (refused: stop here, naming compute = \"lambda\")"
  elif ! error="$(aws apprunner list-services --region "$region" --max-results 1 2>&1 >/dev/null)"; then
    die "this AWS account cannot use App Runner (${error//$'\n'/ }). Set compute = \"lambda\" in infra/terraform.tfvars (Lambda behind API Gateway, infra/README.md) and run infra/deploy.sh again; nothing was created."
  fi
else
  step "preflight: Lambda concurrency fits the $database connection budget (${CONNECTION_BUDGET[$database]})"
  if $dry_run; then
    run aws lambda get-account-settings --region "$region" --query AccountLimit.ConcurrentExecutions --output text
    if [ "$reserved" = null ]; then
      echo "  (no reserved concurrency: the account limit × $LAMBDA_POOL_SIZE connections must fit the budget)"
    else
      echo "  (reserving $reserved must leave the account 10 unreserved executions)"
    fi
  else
    limit="$(aws lambda get-account-settings --region "$region" --query AccountLimit.ConcurrentExecutions --output text)"
    if [ "$reserved" = null ]; then
      [ $((limit * LAMBDA_POOL_SIZE)) -le "${CONNECTION_BUDGET[$database]}" ] ||
        die "the account's Lambda concurrency limit ($limit) × $LAMBDA_POOL_SIZE connections exceeds the database's budget (${CONNECTION_BUDGET[$database]}): set lambda_reserved_concurrency (README, \"Lambda\")"
    elif [ $((limit - reserved)) -lt 10 ]; then
      die "Lambda needs 10 unreserved concurrent executions, and this account's limit is $limit: set lambda_reserved_concurrency = null in infra/terraform.tfvars (the limit then bounds connections), or request a higher limit (Service Quotas, \"Concurrent executions\")"
    fi
  fi
fi

step "terraform init"
if $dry_run; then tf init -input=false -backend-config=backend.hcl; else tf init -input=false -backend-config=backend.hcl >/dev/null; fi

# The registry and the bucket must exist before anything can be pushed or published.
if $dry_run || ! in_state aws_ecr_repository.app || ! in_state aws_s3_bucket_public_access_block.assets; then
  step "first deployment only: create the registry and the asset bucket"
  # Root outputs are only refreshed when they derive entirely from targeted resources, so the
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

repository="$(tf_output ecr_repository_url)"
bucket="$(tf_output assets_bucket)"
registry="${repository%%/*}" # <account>.dkr.ecr.<region>.amazonaws.com
image="$repository:$tag"

# --- 2. image ------------------------------------------------------------------------------------
step "image $image from commit $commit"
image_in_ecr() {
  ! $dry_run && aws ecr describe-images --region "$region" --repository-name "${repository#*/}" \
    --image-ids "imageTag=$tag" >/dev/null 2>&1
}
if $dry_run; then
  echo "  (skipped when $tag is already in ECR)"
fi
if ! $dry_run; then
  aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
else
  run aws ecr get-login-password --region "$region" "| docker login --username AWS --password-stdin $registry"
fi
if image_in_ecr; then
  echo "already in ECR: not rebuilding"
else
  source_dir="$(mktemp -d)"
  trap 'rm -rf "$source_dir"' EXIT
  # Exactly the commit's files: no uncommitted edits, no untracked files, whatever is checked out.
  if $dry_run; then
    run git -C "$ROOT" archive --format=tar "$commit" "| tar -x -C $source_dir"
  else
    git -C "$ROOT" archive --format=tar "$commit" | tar -x -C "$source_dir"
  fi
  # One platform, no attestations: buildx otherwise pushes an image index (provenance), which
  # Lambda refuses. App Runner runs linux/amd64 only; build for it even on an arm64 laptop.
  run docker buildx build --platform linux/amd64 --provenance=false --sbom=false \
    --output "type=image,name=$image,push=true,oci-mediatypes=false" \
    --file "$source_dir/infra/docker/Dockerfile" "$source_dir"
  if ! $dry_run; then
    media_type="$(aws ecr describe-images --region "$region" --repository-name "${repository#*/}" \
      --image-ids "imageTag=$tag" --query 'imageDetails[0].imageManifestMediaType' --output text)"
    case "$media_type" in
      application/vnd.docker.distribution.manifest.v2+json | application/vnd.oci.image.manifest.v1+json) ;;
      *) die "ECR holds $image as $media_type, not a single-platform manifest (Lambda refuses indexes)" ;;
    esac
  else
    run aws ecr describe-images --region "$region" --repository-name "${repository#*/}" \
      --image-ids "imageTag=$tag" --query 'imageDetails[0].imageManifestMediaType' --output text
    echo "  (must be a single-platform manifest, not an index)"
  fi
fi

# Short-lived credentials for the containers below, from whatever the aws CLI is configured with
# (profile, SSO, environment). The image's binary and site are used, so the published file names
# are exactly the ones its hash.txt refers to.
run_in_image() {
  if $dry_run; then
    run docker run --rm --platform linux/amd64 -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY \
      -e AWS_SESSION_TOKEN -e "AWS_REGION=$region" -e FINALIZE_SECRET "$image" "$@"
    return
  fi
  (
    eval "$(aws configure export-credentials --format env)"
    # `-e NAME` passes a variable only when it is set here: FINALIZE_SECRET only reaches the probe.
    docker run --rm --platform linux/amd64 \
      -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN -e "AWS_REGION=$region" \
      -e FINALIZE_SECRET \
      "$image" "$@"
  )
}

# --- 3. assets -----------------------------------------------------------------------------------
step "publish assets to s3://$bucket"
run_in_image mealvote publish-assets --bucket "$bucket" --site-dir /app/site

# --- 4. apply ------------------------------------------------------------------------------------
step "terraform apply (compute=$compute, database=$database, image_tag=$tag)"
if [ "$compute" = apprunner ]; then
  # App Runner's custom-domain validation records are unknown until the association exists, so
  # the very first apply creates the service and the association, and the second everything else.
  if $dry_run || ! in_state 'aws_apprunner_custom_domain_association.app[0]'; then
    $dry_run && echo "  (first App Runner deployment only:)"
    tf apply ${approve[@]+"${approve[@]}"} -var "image_tag=$tag" -target='aws_apprunner_custom_domain_association.app[0]'
  fi
fi
# Lambda: one apply; its ACM certificate is validated through Route 53 within it.
tf apply ${approve[@]+"${approve[@]}"} -var "image_tag=$tag"

# --- 5. probe ------------------------------------------------------------------------------------
step "probe"
url="$(tf_output app_url)"
if $dry_run; then
  echo "  (while custom_domain_status is not active or $url does not resolve yet: <fallback_url>)"
elif [ "$(tf_output custom_domain_status)" != active ] ||
  { command -v getent >/dev/null && ! getent hosts "${url#https://}" >/dev/null; }; then
  # App Runner validates its certificate minutes to hours after the first deployment; a new
  # Route 53 record can take a minute to resolve.
  echo "custom domain not serving yet (terraform -chdir=infra output custom_domain_status); probing the platform's own URL"
  url="$(tf_output fallback_url)"
fi
# With the finalize secret the probe closes its deadline slot through POST /internal/finalize-due
# and reuses its four accounts (docs/operations.md, "Running the prober by hand"). It is passed by
# name, never on a command line.
(
  if $dry_run; then
    run aws ssm get-parameter --region "$region" --with-decryption --name "<finalize_secret_parameter>" \
      --query Parameter.Value --output text
  else
    FINALIZE_SECRET="$(aws ssm get-parameter --region "$region" --with-decryption \
      --name "$(tf_output finalize_secret_parameter)" --query Parameter.Value --output text)"
    export FINALIZE_SECRET
  fi
  run_in_image mealvote probe --base-url "$url" --timeout 120
)

step "deployed $tag to $(tf_output app_url)"
