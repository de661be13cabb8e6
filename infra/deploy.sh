#!/usr/bin/env bash
# Deploys mealvote to AWS, first time or any time after, on either compute target:
#   1. preflight, before anything billable is created: credentials; with compute = "apprunner",
#      that the account may use App Runner (closed to new customers since 2026-04-30), proven by
#      creating and deleting a free auto scaling configuration; with "lambda", that reserving the
#      function's concurrency leaves the account the 100 unreserved executions AWS requires (or that
#      the account limit fits the connection budget when nothing is reserved); with "aurora", that
#      the region offers the configured Aurora PostgreSQL version
#   2. build the image from a clean export of the commit (never the working tree) and push it to
#      ECR as a single-platform manifest (skipped when the tag is already there: tags are immutable)
#   3. `mealvote publish-assets`: upload the image's own hashed JS/WASM/CSS to the asset bucket
#   4. `terraform apply -var image_tag=<tag>`: App Runner or Lambda runs exactly that image
#   5. Lambda: migrate once, by invoking the function with {"mealvote":"migrate"} (App Runner
#      migrates at start); a failed migration fails the deploy
#   6. `mealvote probe`: exercise the live site through its public URL (on App Runner closing a vote
#      through /internal/finalize-due with the finalize secret read from SSM)
#
# Usage: infra/deploy.sh [--dry-run] [IMAGE_TAG]
#        infra/deploy.sh [--dry-run] --teardown
#   IMAGE_TAG   a git tag or commit of this repository; default: the current commit (a dirty tree
#               is refused). Either way the image is built from `git archive` of that commit.
#   --dry-run   print the steps it would take for the target in terraform.tfvars; run nothing
#   --teardown  lift the guards (deletion protection, non-empty registry and bucket) and destroy
#               everything, retrying while AWS still releases the function's network interfaces
#               (infra/README.md, "Teardown"); SKIP_FINAL_SNAPSHOT=1 drops the final snapshot
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

# Teardown: how often to retry `destroy` and how long to wait between tries while Lambda releases
# the function's network interfaces (that can take 20 minutes or more after the function is gone).
TEARDOWN_ATTEMPTS="${TEARDOWN_ATTEMPTS:-6}"
TEARDOWN_RETRY_WAIT_SECS="${TEARDOWN_RETRY_WAIT_SECS:-300}"

dry_run=false
teardown=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --teardown) teardown=true ;;
    -*) echo "usage: infra/deploy.sh [--dry-run] [IMAGE_TAG] | [--dry-run] --teardown" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
[ $# -le 1 ] || { echo "usage: infra/deploy.sh [--dry-run] [IMAGE_TAG] | [--dry-run] --teardown" >&2; exit 2; }

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
name="$(tfvar name mealvote)"
reserved="$(tfvar lambda_reserved_concurrency 10)"
aurora_version="$(tfvar aurora_engine_version 16.6)"
case "$compute" in apprunner | lambda) ;; *) die "compute must be apprunner or lambda, not \"$compute\"" ;; esac
case "$database" in rds | aurora) ;; *) die "database must be rds or aurora, not \"$database\"" ;; esac

if ! $dry_run; then
  tools=(aws terraform)
  $teardown || tools+=(docker git)
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
  done
  [ -f "$INFRA/backend.hcl" ] || die "infra/backend.hcl is missing (README, \"State\")"
fi

# The database's master password, only ever used to grant rds_iam (infra/secrets.tf): fresh on every
# run, handed to Terraform as an ephemeral variable in the environment (never a command line), and
# only sent to the database when it is created or db_credentials_version changes.
random_password() {
  local raw
  raw="$(LC_ALL=C tr -dc 'A-Za-z0-9' < <(head -c 600 /dev/urandom))"
  [ "${#raw}" -ge 40 ] || die "could not generate a password from /dev/urandom"
  printf '%s' "${raw:0:40}"
}
TF_VAR_db_bootstrap_password="$(random_password)"
export TF_VAR_db_bootstrap_password
approve=()
[ "${AUTO_APPROVE:-0}" = 1 ] && approve=(-auto-approve)

if $teardown; then
  $dry_run && printf 'teardown (dry run): compute=%s database=%s region=%s\n' "$compute" "$database" "$region"
  step "terraform init"
  if $dry_run; then tf init -input=false -backend-config=backend.hcl; else tf init -input=false -backend-config=backend.hcl >/dev/null; fi
  tag="$(tf_output image_tag)"
  guards=(-var "image_tag=$tag" -var deletion_protection=false -var force_destroy_artifacts=true)
  [ "${SKIP_FINAL_SNAPSHOT:-0}" = 1 ] && guards+=(-var skip_final_snapshot=true)
  # Deletion protection must be off on the live database, not just in the destroy's variables.
  step "lift the guards: deletion protection off, registry and bucket may be emptied"
  tf apply ${approve[@]+"${approve[@]}"} "${guards[@]}"
  step "destroy (up to $TEARDOWN_ATTEMPTS attempts while network interfaces are released)"
  if $dry_run; then
    tf destroy ${approve[@]+"${approve[@]}"} "${guards[@]}"
    echo "  (on \"DependencyViolation\" or \"has a dependent object\": wait ${TEARDOWN_RETRY_WAIT_SECS}s, destroy again)"
    exit 0
  fi
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  for attempt in $(seq 1 "$TEARDOWN_ATTEMPTS"); do
    if terraform -chdir="$INFRA" destroy ${approve[@]+"${approve[@]}"} "${guards[@]}" 2>&1 | tee "$log"; then
      step "destroyed; left behind on purpose: the state bucket, a final snapshot <name>-final unless SKIP_FINAL_SNAPSHOT=1, App Runner's own log groups"
      exit 0
    fi
    # Lambda (and App Runner's connector) release their ENIs minutes after the function is gone;
    # until then the security groups and subnets refuse deletion. Anything else is a real failure.
    grep -Eq 'DependencyViolation|has a dependent object|is currently in use|InvalidNetworkInterface' "$log" ||
      die "destroy failed (above); nothing was retried"
    [ "$attempt" -lt "$TEARDOWN_ATTEMPTS" ] || break
    echo "teardown: network interfaces not released yet (attempt $attempt of $TEARDOWN_ATTEMPTS); retrying in ${TEARDOWN_RETRY_WAIT_SECS}s"
    sleep "$TEARDOWN_RETRY_WAIT_SECS"
  done
  die "destroy still blocked by network interfaces after $TEARDOWN_ATTEMPTS attempts: run infra/deploy.sh --teardown again later"
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

$dry_run && printf 'deploy (dry run): compute=%s database=%s region=%s tag=%s commit=%s\n' \
  "$compute" "$database" "$region" "$tag" "$commit"

# --- 1. preflight: nothing is created before these pass ------------------------------------------
step "preflight: credentials"
run aws sts get-caller-identity --query Account --output text

if [ "$compute" = apprunner ]; then
  step "preflight: App Runner accepts this account"
  # Accounts that never used App Runner are refused since 2026-04-30, and a read-only call such as
  # list-services may well succeed for them: only creating something proves acceptance. An auto
  # scaling configuration is free and App Runner-only; it is deleted at once.
  probe_name="${name:0:22}-preflight"
  if $dry_run; then
    run aws apprunner create-auto-scaling-configuration --region "$region" \
      --auto-scaling-configuration-name "$probe_name" --min-size 1 --max-size 1
    run aws apprunner delete-auto-scaling-configuration --region "$region" --auto-scaling-configuration-arn "<arn>"
    echo "  (refused: stop here, naming compute = \"lambda\")"
  else
    if ! arn="$(aws apprunner create-auto-scaling-configuration --region "$region" \
      --auto-scaling-configuration-name "$probe_name" --min-size 1 --max-size 1 \
      --query AutoScalingConfiguration.AutoScalingConfigurationArn --output text 2>&1)"; then
      die "this AWS account cannot use App Runner (${arn//$'\n'/ }). Set compute = \"lambda\" in infra/terraform.tfvars (Lambda behind API Gateway, infra/README.md) and run infra/deploy.sh again; nothing was created."
    fi
    aws apprunner delete-auto-scaling-configuration --region "$region" --auto-scaling-configuration-arn "$arn" >/dev/null ||
      die "could not delete the preflight auto scaling configuration $arn: delete it in the App Runner console (it costs nothing)"
  fi
else
  step "preflight: Lambda concurrency (100 unreserved executions; the $database connection budget of ${CONNECTION_BUDGET[$database]})"
  if $dry_run; then
    run aws lambda get-account-settings --region "$region" \
      --query "AccountLimit.[ConcurrentExecutions,UnreservedConcurrentExecutions]" --output text
    if [ "$reserved" = null ]; then
      echo "  (no reserved concurrency: the account limit × $LAMBDA_POOL_SIZE connections must fit the budget)"
    else
      run aws lambda get-function-concurrency --region "$region" --function-name "$name" \
        --query ReservedConcurrentExecutions --output text
      echo "  (reserving $reserved must leave the account 100 unreserved executions)"
    fi
  else
    read -r limit unreserved < <(aws lambda get-account-settings --region "$region" \
      --query "AccountLimit.[ConcurrentExecutions,UnreservedConcurrentExecutions]" --output text)
    [[ "${limit:-}" =~ ^[0-9]+$ && "${unreserved:-}" =~ ^[0-9]+$ ]] ||
      die "could not read the account's Lambda concurrency (aws lambda get-account-settings, above); nothing was created."
    if [ "$reserved" = null ]; then
      [ $((limit * LAMBDA_POOL_SIZE)) -le "${CONNECTION_BUDGET[$database]}" ] ||
        die "the account's Lambda concurrency limit ($limit) × $LAMBDA_POOL_SIZE connections exceeds the database's budget (${CONNECTION_BUDGET[$database]}): set lambda_reserved_concurrency (README, \"Lambda\")"
    else
      # What the function reserves already (a redeploy) goes back to the pool before the new value.
      current="$(aws lambda get-function-concurrency --region "$region" --function-name "$name" \
        --query ReservedConcurrentExecutions --output text 2>/dev/null || true)"
      [[ "$current" =~ ^[0-9]+$ ]] || current=0
      # AWS refuses a reservation that leaves fewer than 100 unreserved concurrent executions.
      if [ $((unreserved + current - reserved)) -lt 100 ]; then
        die "reserving $reserved concurrent executions would leave this account $((unreserved + current - reserved)) unreserved, and Lambda requires 100 (account limit $limit): set lambda_reserved_concurrency = null in infra/terraform.tfvars (the limit then bounds connections), or request a higher limit (Service Quotas, \"Concurrent executions\"); nothing was created."
      fi
    fi
  fi
fi

if [ "$database" = aurora ]; then
  step "preflight: Aurora PostgreSQL $aurora_version is offered in $region"
  if $dry_run; then
    run aws rds describe-db-engine-versions --region "$region" --engine aurora-postgresql \
      --engine-version "$aurora_version" --query "DBEngineVersions[].EngineVersion" --output text
  else
    offered="$(aws rds describe-db-engine-versions --region "$region" --engine aurora-postgresql \
      --engine-version "$aurora_version" --query "DBEngineVersions[].EngineVersion" --output text 2>/dev/null || true)"
    [ -n "$offered" ] && [ "$offered" != None ] ||
      die "Aurora PostgreSQL $aurora_version is not offered in $region: set aurora_engine_version to one that \`aws rds describe-db-engine-versions --engine aurora-postgresql --query 'DBEngineVersions[].EngineVersion'\` lists (13.15, 14.12, 15.7, 16.3 or newer for auto-pause); nothing was created."
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

# --- 5. migrate (Lambda) -------------------------------------------------------------------------
# Migrations are a deploy step on Lambda, not part of each cold start (a cold start must not wake a
# paused Aurora). The event carries the database's master password for the one-time rds_iam grant
# (infra/secrets.tf), from a file only this user can read, never a command line; the Lambda Web
# Adapter hands it to the app as POST /internal/events, and the app answers {"ok":true}.
if [ "$compute" = lambda ]; then
  step "migrate: invoke the function with {\"mealvote\":\"migrate\"}"
  function="$(tf_output function_name)"
  if $dry_run; then
    run aws lambda wait function-updated-v2 --region "$region" --function-name "$function"
    run aws ssm get-parameter --region "$region" --with-decryption --name "<db_bootstrap_password_parameter>" \
      --query Parameter.Value --output text
    run aws lambda invoke --region "$region" --function-name "$function" --cli-binary-format raw-in-base64-out \
      --payload "fileb://<0600 file: {\"mealvote\":\"migrate\",\"bootstrap_password\":…}>" "<answer file>"
    echo "  (fails the deploy unless the answer is {\"ok\":true}; tried twice: a paused Aurora may take the first attempt to resume)"
  else
    aws lambda wait function-updated-v2 --region "$region" --function-name "$function"
    work="$(mktemp -d)"
    chmod 700 "$work"
    trap 'rm -rf "$work" "${source_dir:-}"' EXIT
    bootstrap="$(aws ssm get-parameter --region "$region" --with-decryption \
      --name "$(tf_output db_bootstrap_password_parameter)" --query Parameter.Value --output text)"
    (umask 077 && printf '{"mealvote":"migrate","bootstrap_password":"%s"}' "$bootstrap" >"$work/event.json")
    unset bootstrap
    migrated=false
    for attempt in 1 2; do
      error="$(aws lambda invoke --region "$region" --function-name "$function" --cli-binary-format raw-in-base64-out \
        --payload "fileb://$work/event.json" --query FunctionError --output text "$work/answer.json" 2>&1)" || true
      if [ "$error" = None ] && grep -Eq '"ok"[[:space:]]*:[[:space:]]*true' "$work/answer.json" 2>/dev/null; then
        migrated=true
        break
      fi
      echo "migrate attempt $attempt failed: ${error//$'\n'/ } $(head -c 500 "$work/answer.json" 2>/dev/null || true)" >&2
    done
    rm -f "$work/event.json"
    $migrated || die "the migration failed (above): the new image serves, on the old schema; fix and deploy again, or roll back (infra/deploy.sh <previous-tag>)"
  fi
fi

# --- 6. probe ------------------------------------------------------------------------------------
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
# On App Runner the probe closes its deadline slot through POST /internal/finalize-due with the
# finalize secret and reuses its four accounts (docs/operations.md, "Running the prober by hand");
# the secret is passed by name, never on a command line. Lambda has no shared secret: the probe
# closes the slot lazily, with fresh accounts, and its plan obeys the 15-minute minimum deadline
# lead like anyone's, so that probe takes about 17 minutes.
probe_args=(--timeout 120)
[ "$compute" = lambda ] && probe_args=(--deadline-lead 960 --timeout 1500)
(
  if [ "$compute" = apprunner ]; then
    if $dry_run; then
      run aws ssm get-parameter --region "$region" --with-decryption --name "<finalize_secret_parameter>" \
        --query Parameter.Value --output text
    else
      FINALIZE_SECRET="$(aws ssm get-parameter --region "$region" --with-decryption \
        --name "$(tf_output finalize_secret_parameter)" --query Parameter.Value --output text)"
      export FINALIZE_SECRET
    fi
  fi
  run_in_image mealvote probe --base-url "$url" "${probe_args[@]}"
)

step "deployed $tag to $(tf_output app_url)"
