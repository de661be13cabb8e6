"""The cost table in infra/README.md: every column adds up to its total, every billed item the issue
names is a row, the Aurora rows follow from the wake-up table, the cheap variant stays within $3 a
month, and each variant's default budget sits above its daily-use cost and below twice it."""

from __future__ import annotations

import re

import hcl

COLUMNS = [f"{c}+{d} {u}" for c in ("AR", "λ") for d in ("RDS", "Aurora") for u in ("idle", "daily")]
# Aurora Serverless v2: the lowest capacity while awake, and its list price (us-east-1).
AWAKE_ACU = 0.5
ACU_HOUR_USD = 0.12


def readme() -> str:
    return (hcl.INFRA / "README.md").read_text(encoding="utf-8")


def rows_between(marker: str) -> list[list[str]]:
    match = re.search(rf"<!-- {marker} -->\n(.*?)<!-- /{marker} -->", readme(), re.S)
    assert match, f"infra/README.md has no {marker} between its markers"
    lines = [line for line in match.group(1).splitlines() if line.startswith("|")]
    return [[cell.strip().strip("*") for cell in line.strip("|").split("|")] for line in lines]


def table() -> dict[str, list[float]]:
    lines = rows_between("cost-table")
    assert lines[0][1:9] == COLUMNS, lines[0]
    return {cells[0]: [float(cell) for cell in cells[1:9]] for cells in lines[2:]}


def wakeups() -> dict[str, tuple[int, int, str]]:
    lines = rows_between("wakeup-table")
    return {cells[0].split(":")[0]: (int(cells[1]), int(cells[2]), cells[3]) for cells in lines[2:]}


def test_every_column_adds_up_to_its_total():
    rows = table()
    total = rows.pop("total")
    for index, column in enumerate(COLUMNS):
        assert round(sum(row[index] for row in rows.values()), 2) == total[index], column


def test_every_billed_item_is_in_the_table():
    items = " ".join(table())
    for item in ("Route 53", "t4g Unlimited", "CloudWatch Logs", "CloudWatch metrics", "alarms",
                 "ECR", "API Gateway", "CloudFront", "Data transfer", "Aurora", "App Runner", "Lambda",
                 "stray wake-ups", "deploys", "household use"):
        assert item in items, item


def test_the_aurora_rows_follow_from_the_wakeups():
    rows = table()
    sources = {"household use": "Aurora ACUs: household use", "stray traffic that needs the database":
               "Aurora ACUs: stray wake-ups", "deploys": "Aurora ACUs: deploys"}
    found = wakeups()
    assert set(found) == set(sources), found
    for source, row in sources.items():
        count, minutes, columns = found[source]
        cost = round(count * minutes / 60 * AWAKE_ACU * ACU_HOUR_USD, 2)
        for index, column in enumerate(COLUMNS):
            aurora = "Aurora" in column
            applies = aurora and (column.endswith("daily") or "idle" in columns)
            assert rows[row][index] == (cost if applies else 0.0), (row, column)


def test_a_stray_wakeup_costs_what_the_readme_says():
    # 7 minutes at 0.5 ACU: the figure the text quotes for one wake-up.
    assert round(7 / 60 * AWAKE_ACU * ACU_HOUR_USD, 3) == 0.007
    assert "≈ $0.007" in readme()


def test_lambda_with_aurora_stays_within_three_dollars():
    total = table()["total"]
    assert total[COLUMNS.index("λ+Aurora idle")] <= 3.00
    assert total[COLUMNS.index("λ+Aurora daily")] <= 3.00


def test_each_default_budget_sits_above_daily_use_and_below_twice_it():
    total = table()["total"]
    budgets = hcl.local("default_monthly_budget_usd")
    names = {"apprunner": "AR", "lambda": "λ", "rds": "RDS", "aurora": "Aurora"}
    for variant, budget in budgets.items():
        compute, database = variant.split("+")
        daily = total[COLUMNS.index(f"{names[compute]}+{names[database]} daily")]
        # Room for a busy month, yet a doubling (a database that never pauses) crosses it.
        assert 1.25 * daily <= float(budget) <= 2 * daily, (variant, daily, budget)


def test_lambdas_way_out_costs_data_transfer_only():
    # The egress-only internet gateway has no hourly charge (a NAT gateway would add about $33 a
    # month): its row is zero in every column and its basis names data transfer as the only cost.
    rows = {cells[0]: cells for cells in rows_between("cost-table")[2:]}
    (name,) = [name for name in rows if "Egress-only internet gateway" in name]
    assert all(float(cell) == 0.0 for cell in rows[name][1:9]), rows[name]
    basis = rows[name][9]
    assert "no hourly charge" in basis and "data transfer" in basis, basis
    assert not any("NAT" in row for row in rows), "a NAT gateway is never part of the bill"
