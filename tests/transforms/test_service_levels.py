from __future__ import annotations

from datetime import date

import pandas as pd

from transforms import schemas
from transforms.aggregation import monthly_values
from transforms.periods import nightly_run, parse_quarter, quarterly_run
from transforms.service_levels import build_scorecard, monthly_scorecard, scorecard_keys

KPIS = schemas.KpiCatalog.validate(
    pd.DataFrame(
        [
            ("sl", "Service level", "percent", "higher_is_better", "ratio", 100.0, 1, 30.0),
            ("aht", "Handling time", "seconds", "lower_is_better", "ratio", 1.0, 0, None),
            ("backlog", "Backlog", "count", "lower_is_better", "last", 1.0, 0, None),
            ("cpc", "Cost per contact", "currency", "lower_is_better", "ratio", 1.0, 2, None),
        ],
        columns=list(schemas.KpiCatalog.to_schema().columns),
    )
)


def levels(*rows: tuple[str, str, float, float, float, str, str | None]) -> pd.DataFrame:
    columns = ["partner_id", "kpi_id", "expected", "minimum", "credit_pct", "effective_from"]
    frame = pd.DataFrame([r[:6] for r in rows], columns=columns)
    frame["change"] = [r[6] for r in rows]
    return schemas.ServiceLevelCatalog.validate(frame)


def objectives(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "objective_id": f"O{i}",
                "partner_id": p,
                "kpi_id": k,
                "title": "t",
                "baseline_value": 5.0,
                "baseline_period": None,
                "target_value": 4.0,
                "target_change_pct": None,
                "start": pd.Timestamp("2026-01-01"),
                "deadline": pd.Timestamp("2026-12-31"),
                "tolerance_pct": 10.0,
                "owner": None,
                "change": None,
            }
            for i, (p, k) in enumerate(pairs)
        ],
        columns=list(schemas.ObjectiveCatalog.to_schema().columns),
    )


def obs(*rows: tuple[str, str, str, float | None, float | None, float | None]) -> pd.DataFrame:
    """(partner, kpi, day, numerator, denominator, value) rows."""
    frame = pd.DataFrame(
        [
            {
                "partner_id": p,
                "kpi_id": k,
                "period_start": pd.Timestamp(d),
                "period_end": pd.Timestamp(d),
                "month": d[:7],
                "numerator": n,
                "denominator": den,
                "value": v,
                "source": None,
                "note": None,
                "file": "observations/a.csv",
                "line": i + 2,
                "origin": "observation",
            }
            for i, (p, k, d, n, den, v) in enumerate(rows)
        ]
    )
    return schemas.Observations.validate(frame)


def row(frame: pd.DataFrame, kpi: str, period: str, partner: str = "P1") -> pd.Series:
    hit = frame[
        (frame["partner_id"] == partner) & (frame["kpi_id"] == kpi) & (frame["period"] == period)
    ]
    assert len(hit) == 1, hit
    return hit.iloc[0]


Q3 = quarterly_run(parse_quarter("2026-Q3", 1))


def test_version_effective_mid_month_applies_from_next_month_and_quarter_uses_first_month() -> None:
    sl = levels(
        ("P1", "sl", 80, 75, 4, "2025-01-01", None),
        ("P1", "sl", 85, 80, 5, "2026-07-15", "CR-7"),
    )
    data = obs(
        ("P1", "sl", "2026-07-10", 82, 100, None),
        ("P1", "sl", "2026-08-10", 82, 100, None),
        ("P1", "sl", "2026-09-10", 82, 100, None),
    )
    card = build_scorecard(data, KPIS, sl, objectives(), Q3)
    july, august = row(card, "sl", "2026-07"), row(card, "sl", "2026-08")
    assert (july["expected"], july["minimum"], july["status"]) == (80.0, 75.0, "met")
    assert july["change"] is None
    # 82 is below the new expected 85 but at least the new minimum 80
    assert (august["expected"], august["minimum"], august["status"]) == (85.0, 80.0, "at_risk")
    assert august["change"] == "CR-7"
    quarter = row(card, "sl", "2026-Q3")
    assert (quarter["expected"], quarter["status"], quarter["period_kind"]) == (
        80.0,
        "met",
        "quarter",
    )


def test_version_effective_on_the_first_applies_to_that_month() -> None:
    sl = levels(
        ("P1", "sl", 80, 75, 4, "2025-01-01", None), ("P1", "sl", 90, 85, 4, "2026-08-01", None)
    )
    card = build_scorecard(
        obs(("P1", "sl", "2026-08-02", 88, 100, None)), KPIS, sl, objectives(), Q3
    )
    assert row(card, "sl", "2026-08")["expected"] == 90.0
    assert row(card, "sl", "2026-08")["status"] == "at_risk"


def test_statuses_in_order_no_target_no_data_insufficient_met_at_risk_breach() -> None:
    sl = levels(
        ("P1", "sl", 80, 75, 4, "2026-08-01", None),
        ("P1", "aht", 360, 420, 2, "2025-01-01", None),
    )
    data = obs(
        ("P1", "sl", "2026-07-05", 10, 100, None),  # July: no version in force yet
        # August: no rows -> no_data
        ("P1", "sl", "2026-09-05", 29, 29, None),  # 100 % but 29 < 30 calls
        ("P1", "aht", "2026-07-05", 36000, 100, None),  # 360 s = expected: met
        ("P1", "aht", "2026-08-05", 42000, 100, None),  # 420 s = minimum: at_risk
        ("P1", "aht", "2026-09-05", 42100, 100, None),  # 421 s: breach
    )
    card = build_scorecard(data, KPIS, sl, objectives(), Q3)
    assert row(card, "sl", "2026-07")["status"] == "no_target"
    assert row(card, "sl", "2026-07")["actual"] == 10.0
    no_data = row(card, "sl", "2026-08")
    assert no_data["status"] == "no_data" and no_data["rows"] == 0
    assert pd.isna(no_data["actual"]) and pd.isna(no_data["numerator"])
    thin = row(card, "sl", "2026-09")
    assert (thin["status"], thin["actual"], thin["denominator"]) == (
        "insufficient_volume",
        100.0,
        29.0,
    )
    assert row(card, "aht", "2026-07")["status"] == "met"
    assert row(card, "aht", "2026-08")["status"] == "at_risk"
    assert row(card, "aht", "2026-09")["status"] == "breach"
    # the quarter pools all rows: (36000 + 42000 + 42100) / 300 = 400.33 s, at_risk
    quarter = row(card, "aht", "2026-Q3")
    assert quarter["actual"] == 120100 / 300
    assert quarter["status"] == "at_risk"


def test_scorecard_has_kpis_with_level_objective_or_data_and_every_run_period() -> None:
    sl = levels(("P1", "sl", 80, 75, 4, "2025-01-01", None))
    data = obs(
        ("P1", "backlog", "2024-01-31", None, None, 12.0), ("P2", "aht", "2026-07-01", 1, 1, None)
    )
    card = build_scorecard(data, KPIS, sl, objectives(("P1", "cpc")), Q3)
    assert sorted(set(zip(card["partner_id"], card["kpi_id"], strict=True))) == [
        ("P1", "backlog"),  # data only, long before the run
        ("P1", "cpc"),  # objective only
        ("P1", "sl"),  # service level only
        ("P2", "aht"),
    ]
    assert list(card.loc[card["kpi_id"] == "cpc", "period"]) == [
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-Q3",
        "2026-Q2",
        "2025-Q3",
    ]
    comparison = card[card["comparison"]]
    assert set(comparison["period"]) == {"2026-Q2", "2025-Q3"}
    assert set(card.loc[card["kpi_id"] == "cpc", "status"]) == {"no_target"}
    assert set(card.loc[card["kpi_id"] == "sl", "status"]) == {"no_data"}
    schemas.ScorecardCsv.validate(card[list(schemas.ScorecardCsv.to_schema().columns)])


def test_nightly_scorecard_has_previous_month_and_provisional_month_to_date() -> None:
    sl = levels(("P1", "sl", 80, 75, 4, "2025-01-01", None))
    data = obs(("P1", "sl", "2026-10-03", 70, 100, None), ("P1", "sl", "2026-11-20", 90, 100, None))
    card = build_scorecard(data, KPIS, sl, objectives(), nightly_run(date(2026, 11, 27)))
    assert list(card["period"]) == ["2026-10", "2026-11"]
    assert list(card["status"]) == ["breach", "met"]
    assert list(card["provisional"]) == [False, True]


def test_scorecard_keys_are_unique_partner_kpi_pairs() -> None:
    sl = levels(
        ("P1", "sl", 80, 75, 4, "2025-01-01", None), ("P1", "sl", 85, 80, 4, "2026-01-01", None)
    )
    data = obs(("P1", "sl", "2026-07-01", 1, 1, None), ("P1", "sl", "2026-07-02", 1, 1, None))
    keys = scorecard_keys(data, sl, objectives(("P1", "sl")))
    assert keys.to_dict("records") == [{"partner_id": "P1", "kpi_id": "sl"}]


def test_monthly_scorecard_keeps_months_with_data_or_a_target() -> None:
    sl = levels(("P1", "sl", 80, 75, 4, "2026-03-01", None))
    data = obs(("P1", "sl", "2026-01-05", 70, 100, None), ("P1", "sl", "2026-04-05", 90, 100, None))
    keys = scorecard_keys(data, sl, objectives())
    months = list(pd.period_range("2026-01", "2026-04", freq="M"))
    monthly = monthly_scorecard(monthly_values(data, KPIS), keys, months, sl, KPIS)
    # February: neither data nor a target -> no row; March: target, no data
    assert list(zip(monthly["period"], monthly["status"], strict=True)) == [
        ("2026-01", "no_target"),
        ("2026-03", "no_data"),
        ("2026-04", "met"),
    ]
    assert list(monthly["credit_pct"].fillna(-1)) == [-1.0, 4.0, 4.0]


def test_of_two_versions_effective_on_one_day_the_one_listed_last_is_in_force() -> None:
    sl = levels(
        ("P1", "sl", 90, 85, 4, "2026-08-01", "CR-1"),
        ("P1", "sl", 80, 75, 4, "2025-01-01", None),
        ("P1", "sl", 70, 65, 4, "2026-08-01", "CR-2"),
    )
    card = build_scorecard(
        obs(("P1", "sl", "2026-08-02", 72, 100, None)), KPIS, sl, objectives(), Q3
    )
    assert row(card, "sl", "2026-07")["expected"] == 80.0
    assert row(card, "sl", "2026-08")["change"] == "CR-2"
    assert row(card, "sl", "2026-09")["expected"] == 70.0


def test_version_effective_after_every_period_leaves_them_without_target() -> None:
    sl = levels(("P1", "sl", 80, 75, 4, "2027-03-01", None))
    card = build_scorecard(
        obs(("P1", "sl", "2026-08-02", 82, 100, None)), KPIS, sl, objectives(), Q3
    )
    assert row(card, "sl", "2026-08")["status"] == "no_target"
    assert row(card, "sl", "2026-Q3")["change"] is None
