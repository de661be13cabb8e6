"""Shared by the policy tests: infra/*.tf parsed with python-hcl2, and which resources exist in which
combination of the two choices (compute: apprunner|lambda, database: rds|aurora).

The plans themselves run in `terraform test` (plan.tftest.hcl, with a mocked provider); these tests
read the HCL for what a plan cannot show (lifecycle settings, references, checkov-style policy) and
run where no plugin is installed. MEALVOTE_INFRA_DIR points them at another copy of infra/; scripts/test-infra also swaps
INFRA in-process (set_infra) to prove that they fail on deliberately broken copies.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = Path(os.environ.get("MEALVOTE_INFRA_DIR", REPO_ROOT / "infra")).resolve()

_OPTIONS = hcl2.SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)

# --- helpers -------------------------------------------------------------------------------------


@cache
def documents() -> tuple[tuple[str, dict[str, Any]], ...]:
    files = sorted(INFRA.glob("*.tf"))
    assert files, f"no .tf files in {INFRA}"
    parsed = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            parsed.append((path.name, hcl2.load(handle, serialization_options=_OPTIONS)))
    return tuple(parsed)


def blocks(kind: str, type_: str) -> dict[str, dict[str, Any]]:
    """Every `kind "type_" "name" {}` block (kind: resource, data, ephemeral) by name."""
    found: dict[str, dict[str, Any]] = {}
    for _, doc in documents():
        for entry in doc.get(kind, []):
            for name, body in entry.get(type_, {}).items():
                found[name] = body
    return found


def resources(type_: str) -> dict[str, dict[str, Any]]:
    return blocks("resource", type_)


def only(type_: str) -> dict[str, Any]:
    found = resources(type_)
    assert len(found) == 1, f"expected exactly one {type_}, found {sorted(found)}"
    return next(iter(found.values()))


def block(body: dict[str, Any], *path: str) -> dict[str, Any]:
    """Follow nested single blocks, e.g. block(service, "source_configuration", "image_repository")."""
    for name in path:
        value = body.get(name)
        assert isinstance(value, list) and len(value) == 1, f"expected one `{name}` block"
        body = value[0]
    return body


def variable(name: str) -> dict[str, Any]:
    for _, doc in documents():
        for entry in doc.get("variable", []):
            if name in entry:
                return entry[name]
    raise AssertionError(f"variable {name} is not declared")


def local(name: str) -> Any:
    for _, doc in documents():
        for entry in doc.get("locals", []):
            if name in entry:
                return entry[name]
    raise AssertionError(f"local {name} is not declared")


def all_resource_types() -> set[str]:
    return {type_ for _, doc in documents() for entry in doc.get("resource", []) for type_ in entry}


def tf_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(INFRA.glob("*.tf")))


def refers_to(value: Any, address: str) -> bool:
    return isinstance(value, str) and address in value




def set_infra(path: Path) -> None:
    global INFRA
    INFRA = path
    documents.cache_clear()


def dockerfile_path() -> Path:
    return INFRA / "docker" / "Dockerfile"


# --- combinations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Combination:
    compute: str
    database: str

    def __str__(self) -> str:
        return f"{self.compute}+{self.database}"


COMBINATIONS = [Combination(c, d) for c in ("apprunner", "lambda") for d in ("rds", "aurora")]


def _condition(expression: Any) -> str | None:
    """The condition of a `count`/`for_each` of the form `${COND ? … : …}`, or None if unconditional."""
    if not isinstance(expression, str):
        return None
    match = re.fullmatch(r"\$\{(.+?)\s*\?.*\}", expression.strip(), re.S)
    if not match or not re.fullmatch(r"[!a-z_.&| ]+", match.group(1)):
        return None  # e.g. toset(cond ? [a] : [b]): exists either way
    return match.group(1)


def may_exist(body: dict[str, Any], combo: Combination) -> bool:
    """Whether a resource can exist in this combination. Switches other than the two choices (optional
    features such as X-Ray, an apex domain, the schedule) count as possibly on."""
    for key in ("count", "for_each"):
        if key not in body:
            continue
        condition = _condition(body[key])
        if condition is None:
            continue
        names = {
            "local.use_apprunner": combo.compute == "apprunner",
            "local.use_lambda": combo.compute == "lambda",
            "local.use_rds": combo.database == "rds",
            "local.use_aurora": combo.database == "aurora",
        }
        python = condition.replace("&&", " and ").replace("||", " or ")
        python = re.sub(r"!(?!=)", " not ", python)
        for name, value in names.items():
            python = python.replace(name, str(value))
        python = re.sub(r"(local|var)\.[a-z_]+", "True", python)
        return bool(eval(python, {"__builtins__": {}}))  # noqa: S307 - our own HCL, simple booleans
    return True


def active(type_: str, combo: Combination) -> dict[str, dict[str, Any]]:
    return {name: body for name, body in resources(type_).items() if may_exist(body, combo)}


def active_types(combo: Combination) -> set[str]:
    found = set()
    for _, doc in documents():
        for entry in doc.get("resource", []):
            for type_, named in entry.items():
                if any(may_exist(body, combo) for body in named.values()):
                    found.add(type_)
    return found
