"""The container image: infra/docker/Dockerfile, the same image for App Runner and Lambda."""

from __future__ import annotations

import re

import pytest

from hcl import (
    REPO_ROOT,
    block,
    blocks,
    dockerfile_path,
    local,
    only,
    resources,
    variable,
)


# --- container image -----------------------------------------------------------------------------------


def dockerfile() -> str:
    return dockerfile_path().read_text(encoding="utf-8")


def runtime_stage() -> str:
    return dockerfile().split("AS runtime", 1)[1]


def test_the_image_runs_as_a_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", runtime_stage(), re.M)
    assert users and users[-1].split(":")[0] not in {"0", "root"}


def test_the_image_serves_with_the_binary_its_hash_file_and_the_site_side_by_side():
    stage = runtime_stage()
    assert re.search(r"COPY --from=build .*/out/mealvote /out/hash\.txt /app/", stage)
    assert re.search(r"COPY --from=build .*/out/site /app/site", stage)
    for setting in (
        "HOST=0.0.0.0",
        "PORT=8080",
        "LEPTOS_SITE_ROOT=site",
        "LEPTOS_HASH_FILES=true",
        "LEPTOS_OUTPUT_NAME=mealvote",
    ):
        assert setting in stage, setting
    assert 'CMD ["mealvote", "serve"]' in stage
    assert re.search(r'HEALTHCHECK .*\n\s+CMD \["/app/mealvote", "healthcheck"\]', stage)


def test_the_runtime_image_is_debian_slim_with_ca_certificates():
    assert re.search(r"^FROM debian:bookworm-slim AS runtime$", dockerfile(), re.M)
    assert "ca-certificates" in runtime_stage()


def _arg(name: str) -> str:
    match = re.search(rf"^ARG {name}=(\S+)$", dockerfile(), re.M)
    assert match, name
    return match.group(1)


def test_the_image_uses_the_wasm_bindgen_cli_that_matches_cargo_lock():
    lock = (REPO_ROOT / "Cargo.lock").read_text(encoding="utf-8")
    locked = re.findall(r'name = "wasm-bindgen"\nversion = "([^"]+)"', lock)
    assert locked, "wasm-bindgen is not in Cargo.lock"
    assert set(locked) == {_arg("WASM_BINDGEN_VERSION")}


def test_the_image_pins_the_same_build_tools_as_scripts_bootstrap():
    # scripts/bootstrap takes its pins from scripts/lib/common.sh (wasm-bindgen from Cargo.lock).
    common = REPO_ROOT / "scripts" / "lib" / "common.sh"
    if not common.exists():
        pytest.skip("scripts/lib/common.sh is not in the tree")
    text = common.read_text(encoding="utf-8")
    for name in ("CARGO_LEPTOS_VERSION", "BINARYEN_VERSION"):
        match = re.search(rf"^{name}=(\S+)$", text, re.M)
        assert match, f"{name} is no longer pinned in scripts/lib/common.sh"
        assert _arg(name) == match.group(1), f"Dockerfile {name}={_arg(name)}, scripts: {match.group(1)}"
    rust = re.search(r'^rust-version = "([\d.]+)"$', (REPO_ROOT / "Cargo.toml").read_text(encoding="utf-8"), re.M)
    assert rust and re.search(rf"^FROM rust:{re.escape(rust.group(1))}-bookworm AS tools$", dockerfile(), re.M)


def test_the_docker_build_context_leaves_out_state_secrets_and_build_output():
    ignored = set((REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", "target", "*.tfstate", ".env", "infra"} <= ignored
