"""infra/deploy.sh beyond its preflights, run for real against stubbed aws, terraform and docker: the
migrate step on Lambda (the deploy fails when the app answers anything but {"ok":true}, and the
bootstrap password never appears on a command line) and the teardown's retries while network
interfaces are released."""

from __future__ import annotations

import os
from pathlib import Path

from test_deploy import deploy, make_repo, stub_bin

PASSWORD = "StoredBootstrapPassword0123456789abcdefgh"

# Terraform outputs and state as a deployed Lambda stack has them.
TERRAFORM = """
case "$*" in
  *"output -raw ecr_repository_url"*) printf 123456789012.dkr.ecr.us-east-1.amazonaws.com/mealvote ;;
  *"output -raw assets_bucket"*) printf mealvote-assets-123456789012 ;;
  *"output -raw function_name"*) printf mealvote ;;
  *"output -raw db_bootstrap_password_parameter"*) printf /mealvote/db-bootstrap-password ;;
  *"output -raw app_url"* | *"output -raw fallback_url"*) printf https://vote.example.com ;;
  *"output -raw custom_domain_status"*) printf active ;;
  *"output -raw image_tag"*) printf v1.4.2 ;;
  *"state list"*) printf 'aws_ecr_repository.app\\naws_s3_bucket_public_access_block.assets\\n' ;;
esac
"""


def lambda_aws(answer: str) -> str:
    """The aws CLI of an account that takes the Lambda target; `lambda invoke` writes `answer` to
    its output file (the last argument), as the Web Adapter returns the app's response body."""
    return f"""
case "$*" in
  *get-account-settings*) printf '1000\\t1000\\n' ;;
  *get-function-concurrency*) echo None ;;
  *"ecr describe-images"*) echo '{{}}' ;;
  *"configure export-credentials"*) echo 'export AWS_ACCESS_KEY_ID=AKIAEXAMPLE' ;;
  *"ssm get-parameter"*) echo {PASSWORD} ;;
  *"lambda invoke"*)
    for last; do case "$last" in fileb://*) payload="${{last#fileb://}}" ;; esac; done
    cp "$payload" "$(dirname "$0")/../event.json"
    printf '%s' '{answer}' > "$last"
    echo None ;;
  *) echo 123456789012 ;;
esac
"""


def run_lambda_deploy(tmp_path: Path, answer: str):
    repo = make_repo(tmp_path, 'compute = "lambda"\ndatabase = "aurora"\n')
    bin_dir = stub_bin(tmp_path, lambda_aws(answer), TERRAFORM)
    result = deploy(repo, "v1.4.2", path=f"{bin_dir}:{os.environ['PATH']}", AUTO_APPROVE="1")
    return result, (tmp_path / "calls.log").read_text()


def test_lambda_migrates_once_after_the_apply_and_before_the_probe(tmp_path):
    result, calls = run_lambda_deploy(tmp_path, '{"ok":true}')
    assert result.returncode == 0, result.stderr
    apply = calls.find("apply -auto-approve -var image_tag=v1.4.2\n")
    wait = calls.find("lambda wait function-updated-v2 --region us-east-1 --function-name mealvote")
    invoke = calls.find("lambda invoke --region us-east-1 --function-name mealvote")
    probe = calls.find("mealvote probe --base-url https://vote.example.com")
    assert 0 <= apply < wait < invoke < probe, calls
    assert calls.count("lambda invoke") == 1
    # The event carried the stored password for the rds_iam grant; no command line ever did.
    event = (tmp_path / "event.json").read_text()
    assert event == '{"mealvote":"migrate","bootstrap_password":"' + PASSWORD + '"}'
    assert PASSWORD not in calls
    # And Terraform got a fresh one through the environment, never as -var.
    assert "-var db_bootstrap_password" not in calls and "TF_VAR" not in calls
    # No shared secret on Lambda: none is read for the probe, whose plan therefore obeys the
    # server's 15-minute minimum deadline lead, within its overall timeout.
    assert "finalize_secret_parameter" not in calls and "finalize-secret" not in calls
    assert "--deadline-lead 960 --timeout 1500" in calls[probe:], calls[probe:]


def test_a_failed_migration_fails_the_deploy_before_the_probe(tmp_path):
    result, calls = run_lambda_deploy(tmp_path, '{"ok":false,"error":"relation slots already exists"}')
    assert result.returncode == 1
    assert "the migration failed" in result.stderr
    assert "relation slots already exists" in result.stderr
    # Tried twice (a paused Aurora may take the first attempt to resume), then stopped.
    assert calls.count("lambda invoke") == 2
    assert "mealvote probe" not in calls


def teardown_terraform(destroy_errors: list[str]) -> str:
    """terraform whose destroy fails with each of destroy_errors in turn, then succeeds."""
    failures = "\n".join(
        f'  {index}) echo "{error}" >&2; exit 1 ;;' for index, error in enumerate(destroy_errors, start=1)
    )
    return TERRAFORM + f"""
if [[ "$*" == *" destroy "* ]]; then
  count_file="$(dirname "$0")/../destroys"
  count=$(( $(cat "$count_file" 2>/dev/null || echo 0) + 1 ))
  echo "$count" > "$count_file"
  case "$count" in
{failures}
  esac
fi
"""


def test_teardown_lifts_the_guards_then_retries_destroy_while_enis_are_released(tmp_path):
    repo = make_repo(tmp_path, 'compute = "lambda"\n')
    enis = "Error: deleting EC2 Security Group (sg-0abc): DependencyViolation: resource sg-0abc has a dependent object"
    bin_dir = stub_bin(tmp_path, "echo 123456789012", teardown_terraform([enis, enis]))
    result = deploy(repo, "--teardown", path=f"{bin_dir}:{os.environ['PATH']}",
                    AUTO_APPROVE="1", TEARDOWN_RETRY_WAIT_SECS="0")
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls.log").read_text()
    guards = "-var image_tag=v1.4.2 -var deletion_protection=false -var force_destroy_artifacts=true"
    apply = calls.find(f"apply -auto-approve {guards}")
    assert 0 <= apply < calls.find(f"destroy -auto-approve {guards}"), calls
    assert calls.count(" destroy ") == 3
    assert "skip_final_snapshot" not in calls
    assert "docker" not in calls


def test_teardown_does_not_retry_a_failure_that_is_not_about_network_interfaces(tmp_path):
    repo = make_repo(tmp_path, 'compute = "lambda"\n')
    denied = "Error: deleting RDS DB Instance (mealvote): InvalidParameterCombination: deletion protection is on"
    bin_dir = stub_bin(tmp_path, "echo 123456789012", teardown_terraform([denied]))
    result = deploy(repo, "--teardown", path=f"{bin_dir}:{os.environ['PATH']}",
                    AUTO_APPROVE="1", TEARDOWN_RETRY_WAIT_SECS="0", SKIP_FINAL_SNAPSHOT="1")
    assert result.returncode == 1
    assert "nothing was retried" in result.stderr
    calls = (tmp_path / "calls.log").read_text()
    assert calls.count(" destroy ") == 1
    assert "-var skip_final_snapshot=true" in calls


def test_a_teardown_dry_run_prints_the_guards_before_the_destroy_and_runs_nothing(tmp_path):
    from test_deploy import dry_run_env

    repo = make_repo(tmp_path, 'compute = "lambda"\n')
    result = deploy(repo, "--dry-run", "--teardown", path=dry_run_env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    guards = "-var image_tag=<image_tag> -var deletion_protection=false -var force_destroy_artifacts=true"
    assert 0 <= out.find(f"apply {guards}") < out.find(f"destroy {guards}")
    assert "buildx" not in out and "probe" not in out
