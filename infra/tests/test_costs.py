"""The cost table in infra/README.md: every column adds up to its total, every billed item the issue
names is a row, and the cheap variant stays within $3 a month idle."""

from __future__ import annotations

import re

import hcl

COLUMNS = [f"{c}+{d} {u}" for c in ("AR", "λ") for d in ("RDS", "Aurora") for u in ("idle", "daily")]


def table() -> dict[str, list[float]]:
    text = (hcl.INFRA / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- cost-table -->\n(.*?)<!-- /cost-table -->", text, re.S)
    assert match, "infra/README.md has no cost table between its markers"
    lines = [line for line in match.group(1).splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[1:9] == COLUMNS, header
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip().strip("*") for cell in line.strip("|").split("|")]
        rows[cells[0]] = [float(cell) for cell in cells[1:9]]
    return rows


def test_every_column_adds_up_to_its_total():
    rows = table()
    total = rows.pop("total")
    for index, column in enumerate(COLUMNS):
        assert round(sum(row[index] for row in rows.values()), 2) == total[index], column


def test_every_billed_item_is_in_the_table():
    items = " ".join(table())
    for item in ("Route 53", "t4g Unlimited", "CloudWatch Logs", "CloudWatch metrics", "alarms",
                 "ECR", "API Gateway", "CloudFront", "Data transfer", "Aurora", "App Runner", "Lambda"):
        assert item in items, item


def test_lambda_with_aurora_idles_at_three_dollars_or_less():
    total = table()["total"]
    assert total[COLUMNS.index("λ+Aurora idle")] <= 3.00
    assert total[COLUMNS.index("λ+Aurora daily")] <= 3.00
