"""Objectives as of a month E: every status, baselines, forecast, glide path, deviations.

Every expected number is worked out by hand in the comment next to it.
Unless a test says otherwise: a lower_is_better KPI ``cpc`` (cost per contact), baseline
5.00, target 4.00, objective from 2026-01-01 to 2026-12-31 (364 days), tolerance 10 points.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.objectives import (
    assess_objectives,
    format_value,
    format_values,
    objective_deviations,
    objective_glide_path,
)
from transforms.schemas import KpiCatalog, ObjectiveCatalog, ObjectivesCsv

KPIS = KpiCatalog.validate(
    pd.DataFrame(
        {
            "kpi_id": ["cpc", "sl"],
            "name": ["Cost per contact", "Service level (80/20)"],
            "unit": ["currency", "percent"],
            "direction": ["lower_is_better", "higher_is_better"],
            "aggregation": ["mean", "ratio"],
            "scale": [1.0, 100.0],
            "decimals": [2, 1],
            "min_denominator": [None, 30.0],
        }
    )
)


def _objective(**fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "objective_id": "OBJ-1",
        "partner_id": "P1",
        "kpi_id": "cpc",
        "title": "Cut cost per contact to 4",
        "baseline_value": 5.0,
        "baseline_period": None,
        "target_value": 4.0,
        "target_change_pct": None,
        "start": pd.Timestamp("2026-01-01"),
        "deadline": pd.Timestamp("2026-12-31"),
        "tolerance_pct": 10.0,
        "owner": "Claire Martin",
        "change": None,
    }
    row.update(fields)
    return row


def _catalog(*rows: dict[str, object]) -> pd.DataFrame:
    return ObjectiveCatalog.validate(pd.DataFrame(list(rows)))


def _monthly(
    values: dict[str, float], kpi_id: str = "cpc", partner_id: str = "P1", low: tuple = ()
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_id": partner_id,
            "kpi_id": kpi_id,
            "period": list(values),
            "actual": list(values.values()),
            "numerator": math.nan,
            "denominator": math.nan,
            "rows": 1,
            "insufficient_volume": [period in low for period in values],
        }
    )


def _assess(month: str, monthly: pd.DataFrame, **fields: object) -> pd.Series:
    assessed = assess_objectives(_catalog(_objective(**fields)), KPIS, monthly, pd.Period(month))
    assert len(assessed) == 1
    return assessed.iloc[0]


# --- statuses, lower_is_better ------------------------------------------------------------


def test_lower_is_better_not_started_before_the_start_month() -> None:
    row = _assess("2026-03", _monthly({"2026-03": 4.5}), start=pd.Timestamp("2026-04-01"))
    assert row["status"] == "not_started"
    assert row["expected_pct"] == 0.0  # clamp of a negative day count
    assert math.isnan(row["forecast"])


def test_lower_is_better_no_data_for_month_e_still_forecasts() -> None:
    row = _assess("2026-04", _monthly({"2026-01": 5.0, "2026-02": 4.9, "2026-03": 4.8}))
    assert row["status"] == "no_data"
    assert math.isnan(row["current"])
    assert math.isnan(row["progress_pct"])
    # x = 0, 1, 2; y = 5.0, 4.9, 4.8: slope -0.1, intercept 5.0; December is x = 11
    assert row["forecast"] == pytest.approx(3.9)
    assert row["expected_pct"] == pytest.approx(100 * 119 / 364)  # 30 April − 1 January


def test_lower_is_better_achieved_when_current_is_at_or_below_target() -> None:
    row = _assess("2026-03", _monthly({"2026-03": 3.5}))
    assert row["status"] == "achieved"
    assert row["progress_pct"] == pytest.approx(150.0)  # (3.5 − 5) / (4 − 5), unclamped
    exactly = _assess("2026-03", _monthly({"2026-03": 4.0}))
    assert exactly["status"] == "achieved"


def test_lower_is_better_missed_once_the_deadline_has_passed() -> None:
    row = _assess("2026-12", _monthly({"2026-12": 4.5}))
    assert row["status"] == "missed"
    assert row["progress_pct"] == pytest.approx(50.0)
    assert row["expected_pct"] == pytest.approx(100.0)


def test_lower_is_better_off_track_when_behind_and_forecast_misses() -> None:
    values = {"2026-01": 5.0, "2026-02": 4.98, "2026-03": 4.96}
    values |= {"2026-04": 4.94, "2026-05": 4.92, "2026-06": 4.90}
    row = _assess("2026-06", _monthly(values))
    assert row["progress_pct"] == pytest.approx(10.0)  # (4.9 − 5) / (4 − 5)
    assert row["expected_pct"] == pytest.approx(100 * 180 / 364)  # 30 June − 1 January
    assert row["forecast"] == pytest.approx(4.78)  # 5.0 − 0.02 × 11
    assert bool(row["behind"]) and bool(row["forecast_misses"])
    assert row["status"] == "off_track"


def test_lower_is_better_off_track_when_behind_with_too_few_points_to_forecast() -> None:
    row = _assess("2026-02", _monthly({"2026-01": 5.0, "2026-02": 4.99}))
    # progress 1 % < 100 × 58/364 − 10 = 5.9 %; two points: no forecast
    assert row["progress_pct"] == pytest.approx(1.0)
    assert math.isnan(row["forecast"])
    assert not row["forecast_misses"]
    assert row["status"] == "off_track"


def test_lower_is_better_at_risk_when_behind_but_forecast_reaches_target() -> None:
    values = {"2026-01": 5.9, "2026-02": 5.7, "2026-03": 5.5}
    values |= {"2026-04": 5.3, "2026-05": 5.1, "2026-06": 4.9}
    row = _assess("2026-06", _monthly(values))
    assert row["forecast"] == pytest.approx(3.7)  # 5.9 − 0.2 × 11
    assert bool(row["behind"]) and not row["forecast_misses"]
    assert row["status"] == "at_risk"


def test_lower_is_better_at_risk_when_on_pace_but_forecast_misses() -> None:
    row = _assess("2026-03", _monthly({"2026-01": 4.5, "2026-02": 4.6, "2026-03": 4.7}))
    # progress 30 % ≥ 100 × 89/364 − 10; forecast 4.5 + 0.1 × 11 = 5.6 > 4
    assert row["progress_pct"] == pytest.approx(30.0)
    assert row["forecast"] == pytest.approx(5.6)
    assert not row["behind"] and bool(row["forecast_misses"])
    assert row["status"] == "at_risk"


def test_lower_is_better_on_track() -> None:
    row = _assess("2026-03", _monthly({"2026-01": 4.9, "2026-02": 4.8, "2026-03": 4.7}))
    assert row["forecast"] == pytest.approx(3.8)  # 4.9 − 0.1 × 11
    assert row["status"] == "on_track"


def test_progress_is_negative_when_the_kpi_moved_away_from_target() -> None:
    row = _assess("2026-03", _monthly({"2026-03": 5.5}))
    assert row["progress_pct"] == pytest.approx(-50.0)  # (5.5 − 5) / (4 − 5)
    assert row["status"] == "off_track"  # behind, one point: no forecast


# --- higher_is_better -----------------------------------------------------------------------

SL = {"kpi_id": "sl", "baseline_value": 80.0, "target_value": 90.0}


def test_higher_is_better_achieved_above_target() -> None:
    row = _assess("2026-05", _monthly({"2026-05": 91.0}, kpi_id="sl"), **SL)
    assert row["status"] == "achieved"
    assert row["progress_pct"] == pytest.approx(110.0)  # (91 − 80) / (90 − 80)


def test_higher_is_better_missed_at_deadline_below_target() -> None:
    row = _assess("2027-01", _monthly({"2027-01": 89.99}, kpi_id="sl"), **SL)
    assert row["status"] == "missed"


def test_higher_is_better_at_risk_when_the_forecast_falls_short() -> None:
    values = {"2026-01": 84.0, "2026-02": 83.5, "2026-03": 83.0}
    row = _assess("2026-03", _monthly(values, kpi_id="sl"), **SL)
    # progress 30 % vs expected 24.5 %: not behind; forecast 84 − 0.5 × 11 = 78.5 < 90
    assert row["forecast"] == pytest.approx(78.5)
    assert row["status"] == "at_risk"


def test_higher_is_better_on_track_when_rising_fast_enough() -> None:
    values = {"2026-01": 81.0, "2026-02": 82.0, "2026-03": 83.0}
    row = _assess("2026-03", _monthly(values, kpi_id="sl"), **SL)
    assert row["forecast"] == pytest.approx(92.0)  # 81 + 1 × 11
    assert row["status"] == "on_track"


def test_behind_only_when_progress_is_strictly_below_expected_minus_tolerance() -> None:
    # 1 January to 2 March is 60 days; end of January is day 30: expected exactly 50 %
    fields = {**SL, "baseline_value": 0.0, "target_value": 10.0}
    fields |= {"deadline": pd.Timestamp("2026-03-02"), "tolerance_pct": 10.0}
    at_threshold = _assess("2026-01", _monthly({"2026-01": 4.0}, kpi_id="sl"), **fields)
    assert at_threshold["expected_pct"] == 50.0
    assert at_threshold["progress_pct"] == 40.0  # exactly 50 − 10: not behind
    assert at_threshold["status"] == "on_track"
    below = _assess("2026-01", _monthly({"2026-01": 3.9}, kpi_id="sl"), **fields)
    assert bool(below["behind"])
    assert below["status"] == "off_track"  # behind, one point: no forecast


# --- baselines, targets and expected progress ---------------------------------------------


def test_baseline_from_a_period_counts_an_insufficient_volume_month() -> None:
    monthly = _monthly({"2025-12": 80.0, "2026-03": 83.0}, kpi_id="sl", low=("2025-12",))
    row = _assess(
        "2026-03",
        monthly,
        kpi_id="sl",
        baseline_value=None,
        baseline_period="2025-12",
        target_value=None,
        target_change_pct=10.0,
    )
    assert row["baseline"] == pytest.approx(80.0)
    assert row["target"] == pytest.approx(88.0)  # 80 × 1.10
    assert row["progress_pct"] == pytest.approx(37.5)  # (83 − 80) / (88 − 80)
    assert row["status"] == "on_track"


def test_baseline_month_without_data_is_no_data_with_empty_numbers() -> None:
    values = {"2026-01": 81.0, "2026-02": 82.0, "2026-03": 83.0}
    row = _assess(
        "2026-03",
        _monthly(values, kpi_id="sl"),
        kpi_id="sl",
        baseline_value=None,
        baseline_period="2025-12",
        target_value=None,
        target_change_pct=10.0,
    )
    assert row["status"] == "no_data"
    assert row["current"] == 83.0
    for column in ("baseline", "target", "progress_pct", "expected_pct", "forecast"):
        assert math.isnan(row[column]), column


def test_target_from_change_pct_on_a_given_baseline() -> None:
    row = _assess(
        "2026-03",
        _monthly({"2026-03": 4.5}),
        baseline_value=4.8,
        target_value=None,
        target_change_pct=-15.0,
    )
    assert row["target"] == pytest.approx(4.08)  # 4.8 × 0.85


def test_year_long_objective_stands_at_272_of_364_days_at_end_of_september() -> None:
    row = _assess("2026-09", _monthly({"2026-09": 4.5}))
    assert row["expected_pct"] == pytest.approx(100 * 272 / 364)


def test_forecast_skips_months_without_data() -> None:
    # January, March and April: x = 0, 2, 3 on the line y = 5 − 0.1x; December x = 11
    row = _assess("2026-04", _monthly({"2026-01": 5.0, "2026-03": 4.8, "2026-04": 4.7}))
    assert row["forecast"] == pytest.approx(3.9)


def test_forecast_ignores_months_after_e_and_before_start() -> None:
    values = {"2025-12": 9.0, "2026-01": 4.9, "2026-02": 4.8, "2026-03": 4.7, "2026-04": 9.0}
    row = _assess("2026-03", _monthly(values))
    assert row["forecast"] == pytest.approx(3.8)


def test_output_has_the_objectives_csv_columns_then_the_report_columns() -> None:
    assessed = assess_objectives(
        _catalog(_objective(), _objective(objective_id="OBJ-2", partner_id="P2")),
        KPIS,
        _monthly({"2026-03": 4.5}),
        pd.Period("2026-03"),
    )
    csv_columns = list(ObjectivesCsv.to_schema().columns)
    assert list(assessed.columns[: len(csv_columns)]) == csv_columns
    ObjectivesCsv.validate(assessed[csv_columns])
    for column in ("title", "owner", "start", "deadline", "change", "period"):
        assert column in assessed.columns
    assert list(assessed["period"]) == ["2026-03", "2026-03"]
    assert list(assessed["status"]) == ["on_track", "no_data"]  # 50 % ≥ 24 %; P2 has no data


def test_no_objectives_gives_an_empty_frame_with_the_columns() -> None:
    empty = assess_objectives(
        _catalog(_objective()).iloc[0:0], KPIS, _monthly({}), pd.Period("2026-03")
    )
    assert empty.empty
    assert "forecast_misses" in empty.columns


# --- glide path -------------------------------------------------------------------------------


def test_glide_path_has_a_month_per_month_from_start_to_deadline() -> None:
    monthly = _monthly({"2026-01": 4.8, "2026-02": 4.7, "2026-03": 4.6, "2026-04": 1.0})
    assessed = assess_objectives(
        _catalog(
            _objective(baseline_value=4.8, target_value=4.08, deadline=pd.Timestamp("2026-06-30"))
        ),
        KPIS,
        monthly,
        pd.Period("2026-03"),
    )
    path = objective_glide_path(assessed, monthly)
    assert list(path["period"]) == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    # 180 days; end of March is day 89: 4.8 − 0.72 × 89/180 = 4.444
    assert path["expected"].iloc[2] == pytest.approx(4.444)
    assert path["expected"].iloc[5] == pytest.approx(4.08)
    assert list(path["actual"].iloc[:3]) == [4.8, 4.7, 4.6]
    assert path["actual"].iloc[3:].isna().all()  # April is after E
    assert list(path["forecast"]) == pytest.approx([4.8, 4.7, 4.6, 4.5, 4.4, 4.3])
    single = objective_glide_path(assessed.iloc[0], monthly)
    assert list(single["period"]) == list(path["period"])


# --- deviations --------------------------------------------------------------------------------


def _deviations(month: str, monthly: pd.DataFrame, **fields: object) -> pd.DataFrame:
    assessed = assess_objectives(_catalog(_objective(**fields)), KPIS, monthly, pd.Period(month))
    return objective_deviations(assessed, KPIS)


def test_off_track_deviation_is_critical_and_reads_like_a_sentence() -> None:
    values = {"2026-01": 5.0, "2026-02": 4.98, "2026-03": 4.96}
    values |= {"2026-04": 4.94, "2026-05": 4.92, "2026-06": 4.90}
    deviations = _deviations("2026-06", _monthly(values))
    assert deviations.to_dict("records") == [
        {
            "partner_id": "P1",
            "kpi_id": "cpc",
            "objective_id": "OBJ-1",
            "period": "2026-06",
            "kind": "objective_off_track",
            "severity": "critical",
            "message": "OBJ-1 'Cut cost per contact to 4': cost per contact 4.90 in 2026-06, "
            "10% of the way to 4.00 where 49% was expected; forecast 4.78 by 2026-12, "
            "short of the target",
        }
    ]


def test_missed_is_critical_and_at_risk_is_a_warning() -> None:
    missed = _deviations("2026-12", _monthly({"2026-12": 4.5}))
    assert list(missed[["kind", "severity"]].iloc[0]) == ["objective_missed", "critical"]
    assert "target missed" in missed["message"].iloc[0]
    at_risk = _deviations("2026-03", _monthly({"2026-01": 4.5, "2026-02": 4.6, "2026-03": 4.7}))
    assert list(at_risk[["kind", "severity"]].iloc[0]) == ["objective_at_risk", "warning"]


def test_on_track_achieved_no_data_and_not_started_raise_no_deviation() -> None:
    on_track = _deviations("2026-03", _monthly({"2026-01": 4.9, "2026-02": 4.8, "2026-03": 4.7}))
    achieved = _deviations("2026-03", _monthly({"2026-03": 3.0}))
    no_data = _deviations("2026-03", _monthly({}))
    not_started = _deviations(
        "2026-03", _monthly({"2026-03": 6.0}), start=pd.Timestamp("2026-05-01")
    )
    for frame in (on_track, achieved, no_data, not_started):
        assert frame.empty
        assert list(frame.columns) == [
            "partner_id",
            "kpi_id",
            "objective_id",
            "period",
            "kind",
            "severity",
            "message",
        ]


# --- property ---------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(
    baseline=st.integers(-50, 50),
    target=st.integers(-50, 50),
    values=st.lists(st.one_of(st.none(), st.integers(-60, 60)), min_size=1, max_size=14),
    month=st.integers(0, 13),
)
def test_mirroring_values_and_direction_keeps_the_status(
    baseline: int, target: int, values: list[int | None], month: int
) -> None:
    """A lower_is_better objective and its mirror image (every number negated, the KPI
    higher_is_better) always share status, progress and behind."""
    months = [str(pd.Period("2025-12", "M") + i) for i in range(len(values))]
    e = str(pd.Period("2025-12", "M") + month)

    def run(sign: int, kpi_id: str) -> pd.Series:
        series = {m: float(sign * v) for m, v in zip(months, values, strict=True) if v is not None}
        fields = {"kpi_id": kpi_id, "baseline_value": float(sign * baseline)}
        return _assess(
            e, _monthly(series, kpi_id=kpi_id), target_value=float(sign * target), **fields
        )

    lower, higher = run(1, "cpc"), run(-1, "sl")
    assert lower["status"] == higher["status"]
    assert lower["behind"] == higher["behind"]
    assert lower["progress_pct"] == pytest.approx(higher["progress_pct"], nan_ok=True)
    assert lower["forecast"] == pytest.approx(-higher["forecast"], nan_ok=True)


def test_values_formatted_column_wise_read_as_formatted_one_by_one() -> None:
    rng = np.random.default_rng(7)
    values: list[float] = [0.0, -0.0, 0.5, -0.5, 1.005, 2.675, 1e16, -1e16, 1e-12, -1e-12]
    values += [float("nan"), float("inf"), -float("inf"), 123456789.125, 99.995, 5]
    values += (rng.standard_normal(300) * 10.0 ** rng.integers(-6, 12, 300)).tolist()
    shapes = [("percent", 1), ("seconds", 0), ("currency", 2.0), ("count", None)]
    shapes += [("percent", float("nan")), ("points", 3)]
    units = [shapes[i % len(shapes)][0] for i in range(len(values))]
    decimals = [shapes[i % len(shapes)][1] for i in range(len(values))]
    expected = [format_value(v, u, d) for v, u, d in zip(values, units, decimals, strict=True)]
    assert format_values(values, units, decimals) == expected
    assert {"no data", "-0", "-0.50"} <= set(expected)
    assert any(text.startswith("inf") for text in expected)
