from __future__ import annotations

import numpy as np
import pandas as pd

from tests.transforms.deviation_terms import TERMS
from transforms import schemas
from transforms.scorecard_deviations import missing_data_deviations, service_level_deviations


def card(*rows: dict[str, object]) -> pd.DataFrame:
    base = {
        "partner_id": "P1",
        "kpi_id": "service_level",
        "period": "2026-09",
        "actual": np.nan,
        "expected": 80.0,
        "minimum": 75.0,
        "status": "met",
        "numerator": np.nan,
        "denominator": np.nan,
        "rows": 1,
        "period_kind": "month",
        "provisional": False,
        "comparison": False,
        "change": None,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def test_sla_breach_message_names_kpi_value_minimum_and_expected() -> None:
    out = service_level_deviations(
        card({"actual": 71.23456, "status": "breach", "numerator": 712.3456, "denominator": 1000}),
        TERMS,
    )
    assert out.to_dict("records") == [
        {
            "partner_id": "P1",
            "kpi_id": "service_level",
            "objective_id": None,
            "period": "2026-09",
            "kind": "sla_breach",
            "severity": "critical",
            "message": "Service level (80/20) 71.2% in 2026-09 is below the 75.0% minimum "
            "(expected 80.0%)",
        }
    ]
    schemas.DeviationsCsv.validate(out)


def test_lower_is_better_breach_is_above_the_limit_with_unit() -> None:
    out = service_level_deviations(
        card(
            {
                "kpi_id": "aht",
                "actual": 432.4,
                "expected": 360.0,
                "minimum": 420.0,
                "status": "breach",
                "period": "2026-Q3",
                "period_kind": "quarter",
            }
        ),
        TERMS,
    )
    assert list(out["message"]) == [
        "Average handling time 432 s in 2026-Q3 is above the 420 s limit (expected 360 s)"
    ]
    assert list(out["period"]) == ["2026-Q3"]


def test_at_risk_and_insufficient_volume_kinds_and_severities() -> None:
    out = service_level_deviations(
        card(
            {"actual": 77.5, "status": "at_risk", "period": "2026-08"},
            {"actual": 100.0, "status": "insufficient_volume", "denominator": 29.0},
            {"actual": 90.0, "status": "met", "period": "2026-07"},
            {"status": "no_data", "rows": 0, "period": "2026-Q3", "period_kind": "quarter"},
        ),
        TERMS,
    )
    assert list(zip(out["kind"], out["severity"], strict=True)) == [
        ("sla_at_risk", "warning"),
        ("insufficient_volume", "info"),
    ]
    assert out["message"].iloc[0] == (
        "Service level (80/20) 77.5% in 2026-08 misses the expected 80.0% "
        "but is within the 75.0% minimum"
    )
    assert out["message"].iloc[1] == (
        "Service level (80/20) 100.0% in 2026-09 is not judged: volume 29 is below the 30 needed"
    )


def test_no_deviations_for_comparison_quarters() -> None:
    out = service_level_deviations(
        card({"actual": 50.0, "status": "breach", "period": "2026-Q2", "comparison": True}),
        TERMS,
    )
    assert out.empty


def test_provisional_month_deviation_says_so() -> None:
    out = service_level_deviations(
        card({"actual": 60.0, "status": "breach", "period": "2026-11", "provisional": True}),
        TERMS,
    )
    assert out["message"].iloc[0].endswith("(expected 80.0%) (provisional, month to date)")


def objectives(start: str, deadline: str, kpi: str = "cpc") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "objective_id": "OBJ-1",
                "partner_id": "P1",
                "kpi_id": kpi,
                "start": pd.Timestamp(start),
                "deadline": pd.Timestamp(deadline),
            }
        ]
    )


def test_missing_data_for_a_service_level_in_force_or_a_running_objective() -> None:
    scorecard = card(
        {"period": "2026-07", "rows": 0, "status": "no_data"},  # level in force, no rows
        {"period": "2026-08", "rows": 3, "actual": 81.0},
        {
            "kpi_id": "cpc",
            "period": "2026-07",
            "rows": 0,
            "expected": np.nan,
            "minimum": np.nan,
            "status": "no_target",
        },  # objective running from 15 July
        {
            "kpi_id": "cpc",
            "period": "2026-06",
            "rows": 0,
            "expected": np.nan,
            "minimum": np.nan,
            "status": "no_target",
        },  # before the objective's start month
        {
            "kpi_id": "aht",
            "period": "2026-07",
            "rows": 0,
            "expected": np.nan,
            "minimum": np.nan,
            "status": "no_target",
        },  # neither
        {"period": "2026-Q3", "rows": 0, "status": "no_data", "period_kind": "quarter"},
    )
    out = missing_data_deviations(scorecard, objectives("2026-07-15", "2026-12-31"), TERMS)
    assert list(zip(out["kpi_id"], out["period"], strict=True)) == [
        ("service_level", "2026-07"),
        ("cpc", "2026-07"),
    ]
    assert set(out["severity"]) == {"warning"}
    assert out["message"].tolist() == [
        "Service level (80/20): no data for 2026-07 (service level expects 80.0%)",
        "Cost per contact: no data for 2026-07 (objective OBJ-1 is running)",
    ]


def test_missing_data_stops_after_the_objective_deadline_month() -> None:
    scorecard = card(
        {"kpi_id": "cpc", "period": "2026-07", "rows": 0, "expected": np.nan, "status": "no_target"}
    )
    assert missing_data_deviations(scorecard, objectives("2026-01-01", "2026-06-30"), TERMS).empty
