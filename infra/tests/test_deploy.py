"""infra/deploy.sh, run for real in a throw-away git repository: --dry-run for each target, and a
real run whose aws, terraform and docker are stubs that record their calls (no AWS, no Docker)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

import hcl

GIT = ["git", "-c", "user.email=test@example.invalid", "-c", "user.name=test"]


def make_repo(tmp: Path, tfvars: str) -> Path:
    repo = tmp / "repo"
    (repo / "infra" / "docker").mkdir(parents=True)
    shutil.copy(hcl.INFRA / "deploy.sh", repo / "infra" / "deploy.sh")
    shutil.copy(hcl.dockerfile_path(), repo / "infra" / "docker" / "Dockerfile")
    (repo / "infra" / "terraform.tfvars").write_text(tfvars)
    (repo / "infra" / "backend.hcl").write_text('bucket = "state"\n')
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qm", "init"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "tag", "v1.4.2"], check=True)
    return repo


def stub_bin(tmp: Path, aws_script: str, terraform_script: str = "") -> Path:
    """aws, terraform and docker that append their arguments to calls.log; aws runs aws_script,
    terraform runs terraform_script."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    log = tmp / "calls.log"
    scripts = {
        "aws": f'echo "aws $*" >> {log}\n{aws_script}\n',
        "terraform": f'echo "terraform $*" >> {log}\n{terraform_script}\n',
        # `docker login --password-stdin` reads the token, as the real one does.
        "docker": f'echo "docker $*" >> {log}\ncase "$*" in *--password-stdin*) cat >/dev/null;; esac\n',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text("#!/usr/bin/env bash\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def deploy(repo: Path, *args: str, path: str | None = None, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path or os.environ["PATH"], **extra_env}
    return subprocess.run(
        ["bash", str(repo / "infra" / "deploy.sh"), *args], cwd=repo, env=env,
        capture_output=True, text=True, timeout=60,
    )


def dry_run_env(tmp: Path) -> str:
    # Any real call of aws, terraform or docker during a dry run fails the test.
    bin_dir = tmp / "forbidden"
    bin_dir.mkdir(exist_ok=True)
    for name in ("aws", "terraform", "docker"):
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\necho 'dry run called {name}' >&2\nexit 99\n")
        path.chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}"


def positions(output: str, *needles: str) -> list[int]:
    found = [output.find(needle) for needle in needles]
    assert all(p >= 0 for p in found), [n for n, p in zip(needles, found) if p < 0]
    return found


def test_dry_run_for_app_runner_prints_every_step_in_order(tmp_path):
    repo = make_repo(tmp_path, 'compute = "apprunner"\n')
    result = deploy(repo, "--dry-run", path=dry_run_env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    order = positions(
        out, "aws apprunner create-auto-scaling-configuration", "aws apprunner delete-auto-scaling-configuration",
        "terraform init", "first deployment only",
        "docker buildx build --platform linux/amd64 --provenance=false --sbom=false",
        "publish-assets", "-target=aws_apprunner_custom_domain_association.app[0]",
        "<finalize_secret_parameter>", "mealvote probe --base-url",
    )
    assert order == sorted(order)
    assert "compute=apprunner database=rds" in out
    assert "lambda get-account-settings" not in out and "lambda invoke" not in out
    # A read-only call proves nothing about a refused account.
    assert "list-services" not in out


@pytest.mark.parametrize("database", ["rds", "aurora"])
def test_dry_run_for_lambda_checks_concurrency_applies_once_then_migrates(tmp_path, database):
    repo = make_repo(tmp_path, f'compute = "lambda"\ndatabase = "{database}"\n')
    result = deploy(repo, "--dry-run", path=dry_run_env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    order = positions(out, "aws lambda get-account-settings", "must leave the account 100 unreserved executions", "terraform init", "--provenance=false",
                      "==> terraform apply (compute=lambda", "aws lambda invoke", "mealvote probe")
    assert order == sorted(order)
    assert ("describe-db-engine-versions" in out) == (database == "aurora")
    if database == "aurora":
        assert out.find("describe-db-engine-versions") < out.find("terraform init")
    assert "apprunner" not in out.replace("compute=lambda", "")
    assert "custom_domain_association" not in out
    # No shared secret on Lambda: the probe closes its slot lazily.
    assert "finalize_secret_parameter" not in out


def test_an_explicit_tag_builds_a_clean_archive_of_that_commit_even_from_a_dirty_tree(tmp_path):
    repo = make_repo(tmp_path, 'compute = "lambda"\n')
    (repo / "infra" / "docker" / "Dockerfile").write_text("FROM scratch\n# uncommitted\n")
    (repo / "untracked.txt").write_text("not committed\n")
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "v1.4.2^{commit}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    result = deploy(repo, "--dry-run", "v1.4.2", path=dry_run_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"archive --format=tar {commit}" in result.stdout
    # The build context is the exported copy, never the working tree.
    build = next(line for line in result.stdout.splitlines() if "buildx build" in line)
    assert str(repo) not in build


def test_the_default_tag_refuses_a_dirty_tree_and_unknown_tags_are_refused(tmp_path):
    repo = make_repo(tmp_path, 'compute = "lambda"\n')
    (repo / "infra" / "terraform.tfvars").write_text('compute = "lambda" # edited\n')
    result = deploy(repo, "--dry-run", path=dry_run_env(tmp_path))
    assert result.returncode == 1 and "uncommitted changes" in result.stderr
    result = deploy(repo, "--dry-run", "v9.9.9", path=dry_run_env(tmp_path))
    assert result.returncode == 1 and "not a tag or commit" in result.stderr


def test_an_account_without_app_runner_stops_before_anything_is_created(tmp_path):
    repo = make_repo(tmp_path, 'compute = "apprunner"\n')
    # A refused account may well list (no) services: only creating something is refused.
    refused = (
        'case "$*" in *"create-auto-scaling-configuration"*) '
        'echo "An error occurred (SubscriptionRequiredException) when calling CreateAutoScalingConfiguration" >&2; exit 254;; '
        '*"list-services"*) echo "{}";; '
        'esac; echo 123456789012'
    )
    bin_dir = stub_bin(tmp_path, refused)
    result = deploy(repo, path=f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert 'compute = "lambda"' in lines[0] and "nothing was created" in lines[0]
    assert "SubscriptionRequiredException" in lines[0]
    calls = (tmp_path / "calls.log").read_text()
    assert "terraform" not in calls and "docker" not in calls


def test_an_accepted_account_deletes_the_preflight_configuration_before_terraform_starts(tmp_path):
    repo = make_repo(tmp_path, 'compute = "apprunner"\nname = "household-mealvote"\n')
    arn = "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/household-mealvote-preflight/1/abc"
    accepted = f'case "$*" in *"create-auto-scaling-configuration"*) echo {arn};; esac; echo 123456789012'
    bin_dir = stub_bin(tmp_path, accepted)
    deploy(repo, path=f"{bin_dir}:{os.environ['PATH']}")
    calls = (tmp_path / "calls.log").read_text()
    create = calls.find("--auto-scaling-configuration-name household-mealvote-preflight ")
    delete = calls.find(f"delete-auto-scaling-configuration --region us-east-1 --auto-scaling-configuration-arn {arn}")
    init = calls.find("terraform -chdir=")
    assert 0 <= create < delete < init, calls


@pytest.mark.parametrize("unreserved", [10, 105])
def test_a_reservation_that_leaves_fewer_than_100_unreserved_executions_is_refused(tmp_path, unreserved):
    # 10: a new account (limit 10). 105: enough for the old "10 unreserved" check, not for AWS's 100.
    repo = make_repo(tmp_path, 'compute = "lambda"\nlambda_reserved_concurrency = 10\n')
    script = (f'case "$*" in *get-account-settings*) printf "%s\\t%s\\n" {max(unreserved, 10)} {unreserved};; '
              '*get-function-concurrency*) echo "An error occurred (ResourceNotFoundException)" >&2; exit 254;; '
              '*) echo 123456789012;; esac')
    bin_dir = stub_bin(tmp_path, script)
    result = deploy(repo, path=f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 1, result.stdout
    assert "lambda_reserved_concurrency = null" in result.stderr and "100" in result.stderr
    assert "terraform" not in (tmp_path / "calls.log").read_text()


def test_a_reservation_that_leaves_100_unreserved_executions_goes_ahead(tmp_path):
    repo = make_repo(tmp_path, 'compute = "lambda"\nlambda_reserved_concurrency = 10\n')
    # A redeploy: the function already reserves 10, which return to the pool before the new value.
    script = ('case "$*" in *get-account-settings*) printf "1000\\t100\\n";; '
              '*get-function-concurrency*) echo 10;; *) echo 123456789012;; esac')
    bin_dir = stub_bin(tmp_path, script)
    deploy(repo, path=f"{bin_dir}:{os.environ['PATH']}")
    assert "terraform -chdir=" in (tmp_path / "calls.log").read_text()


def test_an_aurora_version_the_region_does_not_offer_stops_before_anything_is_created(tmp_path):
    repo = make_repo(tmp_path, 'compute = "lambda"\ndatabase = "aurora"\naurora_engine_version = "16.1"\n'
                               'lambda_reserved_concurrency = null\n')
    script = ('case "$*" in *get-account-settings*) printf "10\\t10\\n";; '
              '*describe-db-engine-versions*) echo "";; *) echo 123456789012;; esac')
    bin_dir = stub_bin(tmp_path, script)
    result = deploy(repo, path=f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 1
    assert "Aurora PostgreSQL 16.1 is not offered in us-east-1" in result.stderr
    assert "nothing was created" in result.stderr
    calls = (tmp_path / "calls.log").read_text()
    assert "--engine-version 16.1" in calls and "terraform" not in calls


def test_the_connection_budget_in_deploy_sh_matches_terraform():
    text = (hcl.INFRA / "deploy.sh").read_text()
    assert "LAMBDA_POOL_SIZE=2" in text and "declare -A CONNECTION_BUDGET=([rds]=70 [aurora]=90)" in text
    assert hcl.local("db_max_connections") == "${local.use_rds ? 80 : 100}"
    assert hcl.local("db_connection_budget") == "${local.db_max_connections - 3 - 7}"
    assert hcl.local("app_pool_size") == "${local.use_lambda ? 2 : 10}"
