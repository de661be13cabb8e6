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


def stub_bin(tmp: Path, aws_script: str) -> Path:
    """aws, terraform and docker that append their arguments to calls.log; aws runs aws_script."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    log = tmp / "calls.log"
    scripts = {
        "aws": f'echo "aws $*" >> {log}\n{aws_script}\n',
        "terraform": f'echo "terraform $*" >> {log}\n',
        "docker": f'echo "docker $*" >> {log}\n',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text("#!/usr/bin/env bash\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def deploy(repo: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path or os.environ["PATH"]}
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
        out, "aws apprunner list-services", "terraform init", "first deployment only",
        "docker buildx build --platform linux/amd64 --provenance=false --sbom=false",
        "publish-assets", "-target=aws_apprunner_custom_domain_association.app[0]",
        "mealvote probe --base-url",
    )
    assert order == sorted(order)
    assert "compute=apprunner database=rds" in out
    assert "lambda get-account-settings" not in out


@pytest.mark.parametrize("database", ["rds", "aurora"])
def test_dry_run_for_lambda_checks_concurrency_and_applies_once(tmp_path, database):
    repo = make_repo(tmp_path, f'compute = "lambda"\ndatabase = "{database}"\n')
    result = deploy(repo, "--dry-run", path=dry_run_env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    order = positions(out, "aws lambda get-account-settings", "terraform init", "--provenance=false",
                      "==> terraform apply (compute=lambda", "mealvote probe")
    assert order == sorted(order)
    assert "apprunner" not in out.replace("compute=lambda", "")
    assert "custom_domain_association" not in out


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
    refused = (
        'case "$*" in *"apprunner list-services"*) '
        'echo "An error occurred (SubscriptionRequiredException) when calling ListServices" >&2; exit 254;; '
        'esac; echo 123456789012'
    )
    bin_dir = stub_bin(tmp_path, refused)
    result = deploy(repo, path=f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert 'compute = "lambda"' in lines[0] and "nothing was created" in lines[0]
    calls = (tmp_path / "calls.log").read_text()
    assert "terraform" not in calls and "docker" not in calls


def test_lambda_reserved_concurrency_that_leaves_too_little_unreserved_is_refused(tmp_path):
    repo = make_repo(tmp_path, 'compute = "lambda"\nlambda_reserved_concurrency = 10\n')
    # A new account: 10 concurrent executions in all.
    bin_dir = stub_bin(tmp_path, 'case "$*" in *get-account-settings*) echo 10;; *) echo 123456789012;; esac')
    result = deploy(repo, path=f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 1
    assert "lambda_reserved_concurrency = null" in result.stderr
    assert "terraform" not in (tmp_path / "calls.log").read_text()


def test_the_connection_budget_in_deploy_sh_matches_terraform():
    text = (hcl.INFRA / "deploy.sh").read_text()
    assert "LAMBDA_POOL_SIZE=2" in text and "declare -A CONNECTION_BUDGET=([rds]=70 [aurora]=90)" in text
    assert hcl.local("db_max_connections") == "${local.use_rds ? 80 : 100}"
    assert hcl.local("db_connection_budget") == "${local.db_max_connections - 3 - 7}"
    assert hcl.local("app_pool_size") == "${local.use_lambda ? 2 : 10}"
