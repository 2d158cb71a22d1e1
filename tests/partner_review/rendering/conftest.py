"""A realistic review model written by hand: two partners, quarter 2026-Q3 and a nightly run.

Every figure below is literal, so the tests can assert how the reports show
it ("72.4%", "72,4 %", "€1,680.00"). Statuses follow the service levels of
tests/data/rendering/inputs (OUTOKIA-CX: service level 80/75, FCR 75/70,
AHT 360/420 s; NORDIC-BPO: service level 85/80, CSAT 85/80).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from partner_review.settings import Settings, load_settings
from transforms.model import ReviewModel, SourceData
from transforms.periods import RunSpec, nightly_run, parse_quarter, quarterly_run

INPUTS = Path(__file__).resolve().parents[2] / "data" / "rendering" / "inputs"
OUTOKIA, NORDIC = "OUTOKIA-CX", "NORDIC-BPO"

# (partner, KPI) -> (expected, minimum, higher_is_better); None: no service level
BANDS = {
    (OUTOKIA, "service_level"): (80.0, 75.0, True),
    (OUTOKIA, "first_contact_resolution"): (75.0, 70.0, True),
    (OUTOKIA, "average_handling_time"): (360.0, 420.0, False),
    (OUTOKIA, "cost_per_contact"): None,
    (NORDIC, "service_level"): (85.0, 80.0, True),
    (NORDIC, "csat"): (85.0, 80.0, True),
}
MONTHS = [f"2025-{m:02d}" for m in range(9, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
# monthly values 2025-09 … 2026-10 (2026-10 only feeds the nightly run's month to date)
SERIES = {
    (OUTOKIA, "service_level"): [
        82.1,
        81.4,
        80.6,
        79.2,
        78.4,
        80.9,
        81.7,
        82.3,
        80.5,
        79.1,
        76.9,
        72.4,
        81.2,
        78.8,
    ],
    (OUTOKIA, "first_contact_resolution"): [
        71.0,
        71.5,
        72.2,
        71.8,
        72.0,
        72.4,
        72.9,
        73.0,
        73.6,
        74.0,
        75.2,
        76.0,
        74.1,
        74.5,
    ],
    (OUTOKIA, "average_handling_time"): [
        348,
        351,
        355,
        362,
        358,
        350,
        349,
        347,
        352,
        355,
        352,
        371,
        365,
        362,
    ],
    (OUTOKIA, "cost_per_contact"): [
        4.92,
        4.88,
        4.85,
        4.81,
        4.80,
        4.71,
        4.62,
        4.55,
        4.44,
        4.37,
        4.31,
        4.22,
        4.18,
        4.16,
    ],
    (NORDIC, "service_level"): [
        84.0,
        84.6,
        85.2,
        85.9,
        86.1,
        86.8,
        87.0,
        87.4,
        87.9,
        88.3,
        88.8,
        89.1,
        89.6,
        90.0,
    ],
    (NORDIC, "csat"): [
        86.0,
        85.5,
        87.1,
        86.4,
        85.9,
        86.6,
        87.2,
        86.9,
        87.5,
        88.1,
        88.0,
        86.2,
        84.0,
        85.1,
    ],
}
# quarter rows: (value, numerator, denominator, rows)
QUARTERS = {
    (OUTOKIA, "service_level"): {"2026-Q3": 76.8, "2026-Q2": 80.6, "2025-Q3": 82.0},
    (OUTOKIA, "first_contact_resolution"): {"2026-Q3": 75.1, "2026-Q2": 73.2, "2025-Q3": 70.8},
    (OUTOKIA, "average_handling_time"): {"2026-Q3": 362.7, "2026-Q2": 351.3, "2025-Q3": 346.0},
    (OUTOKIA, "cost_per_contact"): {"2026-Q3": 4.237, "2026-Q2": 4.453, "2025-Q3": 4.95},
    (NORDIC, "service_level"): {"2026-Q3": 89.2, "2026-Q2": 87.9, "2025-Q3": 83.5},
    (NORDIC, "csat"): {"2026-Q3": 86.1, "2026-Q2": 87.3, "2025-Q3": 85.0},
}
HOSTILE_COMMENT = '<img src="file:///etc/passwd"> <script>alert("x")</script> check costs'


def status_of(value: float | None, band: tuple[float, float, bool] | None) -> str:
    if band is None:
        return "no_target"
    if value is None:
        return "no_data"
    expected, minimum, higher = band
    sign = 1 if higher else -1
    if sign * (value - expected) >= 0:
        return "met"
    return "at_risk" if sign * (value - minimum) >= 0 else "breach"


def _row(pid: str, kpi: str, period: str, value: float) -> dict[str, object]:
    band = BANDS[(pid, kpi)]
    return {
        "partner_id": pid,
        "kpi_id": kpi,
        "period": period,
        "actual": value,
        "expected": band[0] if band else None,
        "minimum": band[1] if band else None,
        "status": status_of(value, band),
        "numerator": value * 10,
        "denominator": 1000.0,
        "rows": 30,
    }


def monthly_frame(last: str) -> pd.DataFrame:
    rows = [
        _row(pid, kpi, month, float(value))
        for (pid, kpi), values in SERIES.items()
        for month, value in zip(MONTHS, values, strict=True)
        if month <= last
    ]
    return pd.DataFrame(rows)


def scorecard_frame(run: RunSpec, monthly: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for period in run.periods:
        for (pid, kpi), quarters in QUARTERS.items():
            if period.kind == "quarter":
                row = _row(pid, kpi, period.label, quarters[period.label])
            else:
                found = monthly[
                    (monthly["partner_id"] == pid)
                    & (monthly["kpi_id"] == kpi)
                    & (monthly["period"] == period.label)
                ]
                row = found.iloc[0].to_dict()
            row.update(
                period_kind=period.kind,
                provisional=period.provisional,
                comparison=period.comparison,
                change=None,
            )
            rows.append(row)
    return pd.DataFrame(rows)


def deviations_frame(run_label: str) -> pd.DataFrame:
    rows = [
        (
            OUTOKIA,
            "service_level",
            None,
            "2026-08",
            "sla_breach",
            "critical",
            "Service level (80/20) 72.4 is worse than the minimum 75 in 2026-08",
        ),
        (
            OUTOKIA,
            "service_level",
            None,
            "2026-07",
            "sla_at_risk",
            "warning",
            "Service level (80/20) 76.9 is below the expected 80 in 2026-07",
        ),
        (
            OUTOKIA,
            "service_level",
            None,
            "2026-Q3",
            "sla_at_risk",
            "warning",
            "Service level (80/20) 76.8 is below the expected 80 in 2026-Q3",
        ),
        (
            OUTOKIA,
            "average_handling_time",
            None,
            "2026-08",
            "sla_at_risk",
            "warning",
            "Average handling time 371 is above the expected 360 in 2026-08",
        ),
        (
            OUTOKIA,
            "cost_per_contact",
            "OBJ-CX-01",
            "2026-09",
            "objective_missed",
            "critical",
            "OBJ-CX-01 missed: 4.18 against target 4.08 at the deadline",
        ),
        (
            OUTOKIA,
            "first_contact_resolution",
            "OBJ-CX-02",
            "2026-09",
            "objective_off_track",
            "critical",
            "OBJ-CX-02 off track: progress 35% against 66% expected",
        ),
        (
            OUTOKIA,
            None,
            None,
            run_label,
            "action_overdue",
            "warning",
            "ACT-7 Recruit 4 agents for Saturday was due 2026-09-15",
        ),
        (
            NORDIC,
            "csat",
            None,
            "2026-09",
            "sla_at_risk",
            "warning",
            "Customer satisfaction (top-2-box) 84.0 is below the expected 85 in 2026-09",
        ),
        (
            None,
            None,
            None,
            run_label,
            "rejected_rows",
            "info",
            "observations/outokia-2026-q3.csv: 2 rows rejected",
        ),
    ]
    columns = ["partner_id", "kpi_id", "objective_id", "period", "kind", "severity", "message"]
    return pd.DataFrame(rows, columns=columns)


def objectives_frame() -> pd.DataFrame:
    rows = [
        (
            "OBJ-CX-01",
            OUTOKIA,
            "cost_per_contact",
            4.80,
            4.08,
            4.18,
            86.11111,
            100.0,
            3.95,
            "missed",
            "Reduce cost per contact by 15% in six months",
            "Claire Martin",
            pd.Timestamp("2026-01-01"),
            pd.Timestamp("2026-06-30"),
        ),
        (
            "OBJ-CX-02",
            OUTOKIA,
            "first_contact_resolution",
            72.0,
            78.0,
            74.1,
            35.0,
            66.42336,
            76.3,
            "off_track",
            "Raise first-contact resolution to 78%",
            "James Porter",
            pd.Timestamp("2026-04-01"),
            pd.Timestamp("2026-12-31"),
        ),
    ]
    columns = [
        "objective_id",
        "partner_id",
        "kpi_id",
        "baseline",
        "target",
        "current",
        "progress_pct",
        "expected_pct",
        "forecast",
        "status",
        "title",
        "owner",
        "start",
        "deadline",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(change=None, period="2026-09")


def credits_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "partner_id": OUTOKIA,
                "kpi_id": "service_level",
                "period": "2026-08",
                "credit_pct": 4.0,
                "credit_amount": 1680.0,
                "currency": "EUR",
                "capped": False,
                "earnback": "pending",
                "monthly_fee": 42000.0,
                "chronic": False,
            }
        ]
    )


def source_data() -> SourceData:
    files = pd.DataFrame(
        [
            ("observations/outokia-2026-q3.csv", "observations", "ab" * 32, 240, 2),
            ("observations/broken.csv", "observations", "cd" * 32, 0, 0),
            ("surveys/nordic-csat.csv", "surveys", "ef" * 32, 412, 0),
        ],
        columns=["file", "kind", "sha256", "rows", "rejected"],
    )
    rejected = pd.DataFrame(
        {
            "file": ["observations/outokia-2026-q3.csv"] * 2 + ["observations/broken.csv"],
            "line": pd.array([17, 42, None], dtype="Int64"),
            "column": ["value", "denominator", None],
            "value": ["n/a", "-3", None],
            "reason": ["not a number", "denominator must be > 0", "no header row"],
        }
    )
    superseded = pd.DataFrame(
        [
            {
                "file": "observations/outokia-2026-08.csv",
                "line": 4,
                "partner_id": OUTOKIA,
                "kpi_id": "service_level",
                "period_start": pd.Timestamp("2026-08-01"),
                "period_end": pd.Timestamp("2026-08-31"),
                "kept_file": "observations/outokia-2026-08_v2.csv",
                "kept_line": 4,
                "reason": "different values",
            }
        ]
    )
    empty = pd.DataFrame()
    return SourceData(empty, superseded, rejected, files, empty, empty, empty)


def comments_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                OUTOKIA,
                "service_level",
                "2026-08",
                "Jean Dupont",
                "partner",
                "Storm outage on 12 August; extra staff from 14 August.",
            ),
            (OUTOKIA, "cost_per_contact", "2026-09", "Mallory", "partner", HOSTILE_COMMENT),
            (
                OUTOKIA,
                "first_contact_resolution",
                "2026-07",
                "Claire Martin",
                "client",
                "Knowledge base refresh delivered.",
            ),
        ],
        columns=["partner_id", "kpi_id", "period", "author", "side", "comment"],
    )


def scope_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                "CR-2026-04",
                OUTOKIA,
                "Add Saturday opening",
                pd.Timestamp("2026-06-02"),
                "Claire Martin",
                "approved",
                pd.Timestamp("2026-07-10"),
                pd.Timestamp("2026-08-01"),
                3500.0,
                2.5,
                "service_level;average_handling_time",
                "Saturday 9–17 coverage",
                "CR-2026-04.pdf",
                "Service level expected 80 → 82 from 2026-10",
            ),
            (
                "CR-2026-06",
                OUTOKIA,
                "Open a chat channel",
                pd.Timestamp("2026-09-01"),
                "James Porter",
                "proposed",
                pd.NaT,
                pd.NaT,
                None,
                None,
                None,
                "Chat 8–20 on weekdays",
                None,
                "",
            ),
        ],
        columns=[
            "change_id",
            "partner_id",
            "title",
            "requested_on",
            "requested_by",
            "status",
            "decision_date",
            "effective_date",
            "fee_delta_monthly",
            "fte_delta",
            "affected_kpis",
            "impact",
            "document",
            "moved_targets",
        ],
    )


def actions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                "ACT-5",
                OUTOKIA,
                "Refresh the knowledge base",
                "Jean Dupont",
                "partner",
                pd.Timestamp("2026-05-02"),
                pd.Timestamp("2026-08-31"),
                "done",
                "first_contact_resolution",
                None,
                pd.Timestamp("2026-08-20"),
                None,
                False,
            ),
            (
                "ACT-7",
                OUTOKIA,
                "Recruit 4 agents for Saturday",
                "Jean Dupont",
                "partner",
                pd.Timestamp("2026-07-12"),
                pd.Timestamp("2026-09-15"),
                "in_progress",
                "service_level",
                None,
                pd.NaT,
                "2 hired, 2 in training",
                True,
            ),
        ],
        columns=[
            "action_id",
            "partner_id",
            "title",
            "owner",
            "owner_side",
            "raised_on",
            "due_date",
            "status",
            "kpi_id",
            "objective_id",
            "closed_on",
            "notes",
            "overdue",
        ],
    )


def build_model(run: RunSpec) -> ReviewModel:
    last = max(p.months[-1] for p in run.judged).strftime("%Y-%m")
    monthly = monthly_frame(last)
    freshness = pd.DataFrame(
        columns=["partner_id", "kpi_id", "latest_period_end", "days_old", "stale"]
    )
    if run.kind == "nightly":
        freshness = pd.DataFrame(
            [
                (OUTOKIA, "service_level", pd.Timestamp("2026-10-01"), 1, False),
                (OUTOKIA, "average_handling_time", pd.Timestamp("2026-09-27"), 5, True),
            ],
            columns=freshness.columns,
        )
    return ReviewModel(
        run=run,
        scorecard=scorecard_frame(run, monthly),
        monthly=monthly,
        objectives=objectives_frame(),
        signals=pd.DataFrame(
            [(NORDIC, "service_level", "2026-09", "spc_trend", False)],
            columns=["partner_id", "kpi_id", "period", "signal", "concern"],
        ),
        spc_limits=pd.DataFrame(
            [(OUTOKIA, "service_level", "2026-09", 79.7, 72.3, 87.1, 13)],
            columns=["partner_id", "kpi_id", "period", "cl", "lcl", "ucl", "points"],
        ),
        deviations=deviations_frame(run.label),
        credits=credits_frame(),
        freshness=freshness,
        source=source_data(),
        scope_changes=scope_frame(),
        actions=actions_frame(),
        comments=comments_frame(),
    )


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(INPUTS)


@pytest.fixture(scope="session")
def quarterly_model() -> ReviewModel:
    return build_model(quarterly_run(parse_quarter("2026-Q3", 1)))


@pytest.fixture(scope="session")
def nightly_model() -> ReviewModel:
    return build_model(nightly_run(date(2026, 10, 2)))
