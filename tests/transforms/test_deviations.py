from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.transforms.deviation_terms import Q3, TERMS, partners
from transforms.deviations import (
    action_deviations,
    chronic_deviations,
    contract_deviations,
    rejected_row_deviations,
    stale_data_deviations,
)
from transforms.periods import nightly_run

NIGHTLY = nightly_run(date(2026, 11, 27))


def test_chronic_deviation_at_each_month_where_the_rule_holds() -> None:
    chronic = pd.DataFrame(
        [
            {
                "partner_id": "P1",
                "kpi_id": "service_level",
                "period": "2026-09",
                "breaches": 3,
                "threshold": 3,
                "window_months": 6,
            }
        ]
    )
    out = chronic_deviations(chronic, TERMS, Q3)
    assert list(zip(out["kind"], out["severity"], out["period"], strict=True)) == [
        ("chronic_breach", "critical", "2026-09")
    ]
    assert out["message"].iloc[0] == (
        "Service level (80/20) was in breach in 3 of the 6 months to 2026-09 (chronic from 3)"
    )


def test_stale_data_carries_the_as_of_date_as_period() -> None:
    freshness = pd.DataFrame(
        [
            {
                "partner_id": "P1",
                "kpi_id": "aht",
                "latest_period_end": pd.Timestamp("2026-11-23"),
                "days_old": 4,
                "stale": True,
            },
            {
                "partner_id": "P1",
                "kpi_id": "service_level",
                "latest_period_end": pd.Timestamp("2026-11-24"),
                "days_old": 3,
                "stale": False,
            },
        ]
    )
    out = stale_data_deviations(freshness, TERMS, NIGHTLY, 3)
    assert out.to_dict("records") == [
        {
            "partner_id": "P1",
            "kpi_id": "aht",
            "objective_id": None,
            "period": "2026-11-27",
            "kind": "stale_data",
            "severity": "warning",
            "message": "Average handling time: the latest data ends on 2026-11-23, 4 days "
            "before 2026-11-27 (stale after 3 days)",
        }
    ]


def test_action_overdue_when_open_or_in_progress_and_due_before_as_of() -> None:
    actions = pd.DataFrame(
        [
            ("A1", "open", "2026-11-26", "service_level", None),  # overdue by 1 day
            ("A2", "in_progress", "2026-10-28", None, "OBJ-1"),  # overdue by 30 days
            ("A3", "open", "2026-11-27", None, None),  # due today: not overdue
            ("A4", "done", "2026-01-01", None, None),
        ],
        columns=["action_id", "status", "due_date", "kpi_id", "objective_id"],
    ).assign(
        partner_id="P1",
        title="Fix staffing",
        owner="Jo",
        owner_side="partner",
        due_date=lambda f: pd.to_datetime(f["due_date"]),
    )
    out = action_deviations(actions, NIGHTLY)
    assert list(out["kpi_id"]) == ["service_level", None]
    assert list(out["objective_id"]) == [None, "OBJ-1"]
    assert set(out["period"]) == {"2026-11-27"}
    assert out["message"].iloc[1] == (
        "Action A2 'Fix staffing' (owner Jo, partner side) was due on 2026-10-28 and is "
        "still in progress, 30 days late"
    )


def test_rejected_rows_one_deviation_per_file_without_partner_or_kpi() -> None:
    rejected = pd.DataFrame(
        {
            "file": ["observations/b.csv", "observations/a.csv", "observations/b.csv", "x.xlsx"],
            "line": pd.array([7, 3, 4, None], dtype="Int64"),
            "column": ["value", "kpi_id", "denominator", None],
            "value": ["abc", "zzz", "-1", None],
            "reason": ["is not a number", "is unknown", "is negative", "is not a spreadsheet"],
        }
    )
    out = rejected_row_deviations(rejected, Q3)
    assert out["message"].tolist() == [
        "1 row of observations/a.csv rejected (first at line 3, column kpi_id: is unknown); "
        "see rejected_rows.csv",
        "2 rows of observations/b.csv rejected (first at line 4, column denominator: "
        "is negative); see rejected_rows.csv",
        "x.xlsx could not be read: is not a spreadsheet",
    ]
    assert out["partner_id"].isna().all() and out["kpi_id"].isna().all()
    assert set(out["period"]) == {"2026-Q3"} and set(out["severity"]) == {"info"}


@pytest.mark.parametrize(("end", "due"), [("2026-12-29", True), ("2026-12-30", False)])
def test_contract_review_due_at_90_days_not_at_91(end: str, due: bool) -> None:
    # as_of 2026-09-30 (the quarter's last day): 29 Dec is 90 days later, 30 Dec is 91.
    out = contract_deviations(partners(end), Q3)
    assert len(out) == int(due)
    if due:
        assert out.iloc[0]["kind"] == "contract_review_due"
        assert out.iloc[0]["period"] == "2026-Q3"
        assert out.iloc[0]["message"] == (
            "The contract with Outokia Customer Care ends on 2026-12-29, 90 days after "
            "2026-09-30: review or renew it"
        )


def test_contract_already_ended_is_not_due_for_review() -> None:
    assert contract_deviations(partners("2026-09-29"), Q3).empty
