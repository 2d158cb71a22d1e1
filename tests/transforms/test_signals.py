"""XmR signals at an evaluation month: windows, limits, shifts, trends, concerns.

Series are written by hand; CL, moving ranges and limits are worked out in the comments.
``cpc`` is lower_is_better (up is a concern), ``sl`` higher_is_better (down is a concern).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.signals import assess_signals, signal_deviations

KPIS = pd.DataFrame(
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
E = pd.Period("2026-03", "M")
ALTERNATING = [5.0, 5.2] * 4  # 8 points, no run of any kind
SHIFT_UP = [*ALTERNATING, 5.6, 5.5, 5.6, 5.5, 5.6, 5.5, 5.6]
TREND_UP = [*ALTERNATING, 5.0, 5.02, 5.04, 5.06, 5.08, 5.1, 5.12]


def _monthly(
    values: list[float],
    kpi_id: str = "cpc",
    last: str = "2026-03",
    months: list[str] | None = None,
    low: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Consecutive months ending at ``last`` unless ``months`` are given."""
    if months is None:
        end = pd.Period(last, "M")
        months = [str(end - i) for i in range(len(values) - 1, -1, -1)]
    return pd.DataFrame(
        {
            "partner_id": "P1",
            "kpi_id": kpi_id,
            "period": months,
            "actual": values,
            "numerator": math.nan,
            "denominator": math.nan,
            "rows": 1,
            "insufficient_volume": [month in low for month in months],
        }
    )


def _signals(monthly: pd.DataFrame, window: int = 24, min_points: int = 8) -> pd.DataFrame:
    return assess_signals(monthly, KPIS, E, window, min_points)[0]


def _found(monthly: pd.DataFrame, **kwargs: int) -> set[tuple[str, str, bool]]:
    signals = _signals(monthly, **kwargs)
    return {
        (s, d, bool(c))
        for s, d, c in zip(signals.signal, signals.direction, signals.concern, strict=True)
    }


# --- limits ---------------------------------------------------------------------------------


def test_limits_are_the_mean_plus_minus_2_66_mean_moving_ranges() -> None:
    # 5.0 5.2 ×4, 5.0, 6.0: CL = 51.8/10 = 5.18; mR = 8 × 0.2 + 1.0 = 2.6 over 9 → 0.2889
    _, limits = assess_signals(_monthly([*ALTERNATING, 5.0, 6.0]), KPIS, E, 24, 8)
    row = limits.iloc[0]
    assert (row["partner_id"], row["kpi_id"], row["period"], row["points"]) == (
        "P1",
        "cpc",
        "2026-03",
        10,
    )
    assert row["cl"] == pytest.approx(5.18)
    assert row["ucl"] == pytest.approx(5.18 + 2.66 * 2.6 / 9)
    assert row["lcl"] == pytest.approx(5.18 - 2.66 * 2.6 / 9)


def test_point_beyond_the_upper_limit_is_spc_outside_up() -> None:
    # ucl = 5.18 + 0.768 = 5.948 < 6.0
    assert _found(_monthly([*ALTERNATING, 5.0, 6.0])) == {("spc_outside", "up", True)}
    assert _found(_monthly([*ALTERNATING, 5.0, 6.0], kpi_id="sl")) == {("spc_outside", "up", False)}


def test_point_beyond_the_lower_limit_is_spc_outside_down() -> None:
    mirrored = [10.2 - v for v in [*ALTERNATING, 5.0, 6.0]]  # 4.2 below lcl
    assert _found(_monthly(mirrored)) == {("spc_outside", "down", False)}
    assert _found(_monthly(mirrored, kpi_id="sl")) == {("spc_outside", "down", True)}


def test_constant_series_has_no_limits_and_no_signal() -> None:
    signals, limits = assess_signals(_monthly([0.1] * 15), KPIS, E, 24, 8)
    assert signals.empty
    assert limits["cl"].iloc[0] == pytest.approx(0.1)
    assert math.isnan(limits["ucl"].iloc[0]) and math.isnan(limits["lcl"].iloc[0])


def test_constant_series_still_evaluates_a_trend_at_its_end() -> None:
    # 8 equal points then 7 rising: mR > 0, CL = (8 + 7.7)/15 = 1.0467, ucl ≈ 1.055
    values = [1.0] * 8 + [1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3]
    assert ("spc_trend", "up", True) in _found(_monthly(values))


# --- shifts and trends ------------------------------------------------------------------------


def test_seven_points_above_the_centre_line_is_a_shift_up() -> None:
    # CL = (40.8 + 38.9)/15 = 5.3133; mR = 1.4 + 0.4 + 0.6 = 2.4 over 14; ucl = 5.769 > 5.6
    assert _found(_monthly(SHIFT_UP)) == {("spc_shift", "up", True)}
    assert _found(_monthly(SHIFT_UP, kpi_id="sl")) == {("spc_shift", "up", False)}


def test_seven_points_below_the_centre_line_is_a_shift_down() -> None:
    mirrored = [10.2 - v for v in SHIFT_UP]
    assert _found(_monthly(mirrored)) == {("spc_shift", "down", False)}
    assert _found(_monthly(mirrored, kpi_id="sl")) == {("spc_shift", "down", True)}


def test_six_points_above_the_centre_line_is_no_shift() -> None:
    values = [*ALTERNATING, 5.0, 5.6, 5.5, 5.6, 5.5, 5.6, 5.5]
    assert _found(_monthly(values)) == set()


def test_seven_rising_points_are_a_trend_up() -> None:
    # CL = 76.22/15 = 5.0813 (5.0 below it: no shift); ucl = 5.081 + 2.66 × 1.72/14 = 5.408
    assert _found(_monthly(TREND_UP)) == {("spc_trend", "up", True)}
    assert _found(_monthly(TREND_UP, kpi_id="sl")) == {("spc_trend", "up", False)}


def test_seven_falling_points_are_a_trend_down() -> None:
    mirrored = [10.2 - v for v in TREND_UP]
    assert _found(_monthly(mirrored)) == {("spc_trend", "down", False)}
    assert _found(_monthly(mirrored, kpi_id="sl")) == {("spc_trend", "down", True)}


def test_a_tie_breaks_a_trend() -> None:
    values = [*ALTERNATING, 5.0, 5.02, 5.04, 5.04, 5.08, 5.10, 5.12]
    assert _found(_monthly(values)) == set()


def test_all_signals_that_apply_are_reported() -> None:
    # 8 × 1.0 then 6…11, 30: CL = 89/15 = 5.93 (6 is above it); mR = 29/14 = 2.07;
    # ucl = 5.93 + 5.51 = 11.44 < 30; the last 7 points rise
    values = [1.0] * 8 + [6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 30.0]
    assert _found(_monthly(values)) == {
        ("spc_outside", "up", True),
        ("spc_shift", "up", True),
        ("spc_trend", "up", True),
    }


# --- windows ----------------------------------------------------------------------------------


def test_window_keeps_the_last_points_across_gaps() -> None:
    months = ["2025-01", "2025-02", "2025-05", "2025-09", "2025-12", "2026-01", "2026-03"]
    values = [100.0, 1.0, 2.0, 4.0, 2.0, 3.0, 5.0]
    _, limits = assess_signals(_monthly(values, months=months), KPIS, E, 5, 5)
    # last 5 points: 2, 4, 2, 3, 5 → CL 3.2; mR 2, 2, 1, 2 → 1.75
    row = limits.iloc[0]
    assert row["points"] == 5
    assert row["cl"] == pytest.approx(3.2)
    assert row["ucl"] == pytest.approx(3.2 + 2.66 * 1.75)


def test_insufficient_volume_months_are_dropped_from_the_window() -> None:
    values = [*ALTERNATING, 50.0, 5.0]
    monthly = _monthly(values, low=("2026-02",))
    signals, limits = assess_signals(monthly, KPIS, E, 24, 8)
    assert signals.empty
    assert limits["points"].iloc[0] == 9
    assert limits["cl"].iloc[0] == pytest.approx(45.8 / 9)  # 5.0 × 5 + 5.2 × 4


def test_insufficient_volume_in_the_evaluation_month_gives_no_signal() -> None:
    monthly = _monthly([*ALTERNATING, 5.0, 60.0], low=("2026-03",))
    signals, limits = assess_signals(monthly, KPIS, E, 24, 8)
    assert signals.empty and limits.empty


def test_fewer_than_min_points_gives_no_signal() -> None:
    values = [1.0, 1.1, 1.0, 1.1, 1.0, 1.1, 9.0]
    signals, limits = assess_signals(_monthly(values), KPIS, E, 24, 8)
    assert signals.empty and limits.empty
    assert not assess_signals(_monthly(values), KPIS, E, 24, 7)[0].empty


def test_evaluation_month_without_a_point_gives_no_signal() -> None:
    signals, limits = assess_signals(
        _monthly([*ALTERNATING, 5.0, 9.0], last="2026-02"), KPIS, E, 24, 8
    )
    assert signals.empty and limits.empty


def test_months_after_the_evaluation_month_are_ignored() -> None:
    monthly = _monthly([*ALTERNATING, 5.0, 6.0, 90.0], last="2026-04")
    assert _found(monthly) == {("spc_outside", "up", True)}


def test_partners_and_kpis_are_assessed_separately() -> None:
    monthly = pd.concat(
        [
            _monthly([*ALTERNATING, 5.0, 6.0]),
            _monthly(SHIFT_UP, kpi_id="sl"),
            _monthly([0.1] * 12).assign(partner_id="P2"),
        ]
    )
    signals, limits = assess_signals(monthly, KPIS, E, 24, 8)
    assert sorted(zip(signals.partner_id, signals.kpi_id, signals.signal, strict=True)) == [
        ("P1", "cpc", "spc_outside"),
        ("P1", "sl", "spc_shift"),
    ]
    assert sorted(zip(limits.partner_id, limits.kpi_id, strict=True)) == [
        ("P1", "cpc"),
        ("P1", "sl"),
        ("P2", "cpc"),
    ]


def test_a_window_of_six_points_has_no_run_even_after_a_window_that_rises() -> None:
    # P1's window rises for 7 points; P2's six rising points (min_points 5) are too few
    # for a trend, though P1's last point (5.12) lies below P2's first
    monthly = pd.concat(
        [
            _monthly(TREND_UP),
            _monthly([6.0, 6.1, 6.2, 6.3, 6.4, 6.5]).assign(partner_id="P2"),
        ]
    )
    signals, limits = assess_signals(monthly, KPIS, E, 24, 5)
    assert sorted(zip(signals.partner_id, signals.signal, strict=True)) == [("P1", "spc_trend")]
    assert list(limits["points"]) == [15, 6]


# --- deviations -------------------------------------------------------------------------------


def test_only_concerns_become_warning_deviations() -> None:
    monthly = pd.concat([_monthly([*ALTERNATING, 5.0, 6.0]), _monthly(SHIFT_UP, kpi_id="sl")])
    signals, _ = assess_signals(monthly, KPIS, E, 24, 8)
    deviations = signal_deviations(signals, KPIS)
    assert list(deviations.columns) == [
        "partner_id",
        "kpi_id",
        "objective_id",
        "period",
        "kind",
        "severity",
        "message",
    ]
    assert len(deviations) == 1  # the service level's rise is good news
    row = deviations.iloc[0]
    assert (row["partner_id"], row["kpi_id"], row["period"]) == ("P1", "cpc", "2026-03")
    assert (row["kind"], row["severity"]) == ("spc_outside", "warning")
    assert pd.isna(row["objective_id"])
    assert row["message"] == (
        "Cost per contact 6.00 in 2026-03 is above its control limit 5.95 "
        "(centre line 5.18 over 10 months): an unusual change in the worse direction"
    )


def test_shift_and_trend_messages_name_the_direction() -> None:
    shift = signal_deviations(_signals(_monthly([10.2 - v for v in SHIFT_UP], kpi_id="sl")), KPIS)
    assert (
        shift["message"]
        .iloc[0]
        .startswith("Service level (80/20) has stayed below its centre line 4.9%")
    )
    trend = signal_deviations(_signals(_monthly(TREND_UP)), KPIS)
    assert (
        "Cost per contact has risen month after month over the last 7 months"
        in trend["message"].iloc[0]
    )


def _one_by_one(row: dict[str, object], unit: str, places: int) -> str:
    """The message as the per-row formatter wrote it (the reference for the column-wise one)."""

    def value(v: object) -> str:
        return "no data" if v != v else f"{v:.{places}f}{'%' if unit == 'percent' else ''}"

    name, period, points, up = row["name"], row["period"], row["points"], row["direction"] == "up"
    if row["signal"] == "spc_outside":
        side, limit = ("above", "ucl") if up else ("below", "lcl")
        return (
            f"{name} {value(row['value'])} in {period} is {side} its control limit "
            f"{value(row[limit])} (centre line {value(row['cl'])} over {points} months): "
            "an unusual change in the worse direction"
        )
    if row["signal"] == "spc_shift":
        side = "above" if up else "below"
        return (
            f"{name} has stayed {side} its centre line {value(row['cl'])} for the last "
            f"7 months to {period} (now {value(row['value'])}): "
            "a sustained shift in the worse direction"
        )
    verb = "risen" if up else "fallen"
    return (
        f"{name} has {verb} month after month over the last 7 months, to "
        f"{value(row['value'])} in {period}: a steady trend in the worse direction"
    )


def test_messages_built_column_wise_read_as_the_one_by_one_formatter_wrote_them() -> None:
    combos = itertools.product(["spc_outside", "spc_shift", "spc_trend"], ["up", "down"])
    numbers = [-0.0, 0.004, -1234.5678, 1e12, float("nan"), 5.55, 99.95]
    rows = [
        {
            "partner_id": f"P{i}",
            "kpi_id": "cpc" if i % 2 else "sl",
            "period": "2026-03",
            "signal": signal,
            "concern": True,
            "direction": direction,
            "value": numbers[i % 7],
            "cl": numbers[(i + 1) % 7],
            "lcl": numbers[(i + 2) % 7],
            "ucl": numbers[(i + 3) % 7],
            "points": 8 + i,
        }
        for i, (signal, direction) in enumerate(list(combos) * 3)
    ]
    deviations = signal_deviations(pd.DataFrame(rows), KPIS)
    shapes = {"cpc": ("Cost per contact", "currency", 2), "sl": (KPIS["name"][1], "percent", 1)}
    expected = {
        (row["partner_id"], row["signal"]): _one_by_one(
            {**row, "name": shapes[str(row["kpi_id"])][0]}, *shapes[str(row["kpi_id"])][1:]
        )
        for row in rows
    }
    keys = zip(deviations["partner_id"], deviations["kind"], strict=True)
    got = dict(zip(keys, deviations["message"], strict=True))
    assert got == expected and len(got) == 18


def test_no_concerns_give_an_empty_deviations_frame() -> None:
    deviations = signal_deviations(_signals(_monthly(SHIFT_UP, kpi_id="sl")), KPIS)
    assert deviations.empty
    assert "message" in deviations.columns


# --- properties -------------------------------------------------------------------------------


def _reference(values: list[int], window: int, min_points: int) -> set[tuple[str, str]]:
    """XmR in exact fractions on one consecutive series ending at E."""
    xs = [Fraction(v) for v in values[-window:]]
    if len(xs) < min_points:
        return set()
    cl = sum(xs) / len(xs)
    mean_mr = sum(abs(b - a) for a, b in itertools.pairwise(xs)) / (len(xs) - 1)
    last, found = xs[-1], set()
    if mean_mr > 0 and last > cl + Fraction(266, 100) * mean_mr:
        found.add(("spc_outside", "up"))
    if mean_mr > 0 and last < cl - Fraction(266, 100) * mean_mr:
        found.add(("spc_outside", "down"))
    run = xs[-7:]
    if len(run) == 7:
        if all(x > cl for x in run):
            found.add(("spc_shift", "up"))
        if all(x < cl for x in run):
            found.add(("spc_shift", "down"))
        if all(b > a for a, b in itertools.pairwise(run)):
            found.add(("spc_trend", "up"))
        if all(b < a for a, b in itertools.pairwise(run)):
            found.add(("spc_trend", "down"))
    return found


@settings(max_examples=80, deadline=None)
@given(
    series=st.lists(
        st.tuples(st.integers(0, 4), st.integers(1, 3), st.integers(0, 5).map(lambda i: i == 0)),
        min_size=2,
        max_size=30,
    ),
    last=st.integers(0, 30),
    window=st.integers(2, 24),
    min_points=st.integers(2, 10),
)
def test_signals_match_exact_arithmetic_and_a_point_at_a_limit_is_never_outside(
    series: list[tuple[int, int, bool]], last: int, window: int, min_points: int
) -> None:
    """Random values, gaps of 1–3 months and insufficient-volume months, ending at E with
    a latest value from a wider range (so that points beyond the limits are common)."""
    series = [*series[:-1], (last, 1, series[-1][2])]
    months, month = [], E
    for _, step, _ in reversed(series):
        months.insert(0, str(month))
        month -= step
    low = tuple(m for m, (_, _, insufficient) in zip(months, series, strict=True) if insufficient)
    monthly = _monthly([float(v) for v, _, _ in series], months=months, low=low)
    signals, limits = assess_signals(monthly, KPIS, E, window, min_points)
    kept = [v for v, _, insufficient in series if not insufficient]
    assessed = not series[-1][2] and min(len(kept), window) >= min_points
    expected = _reference(kept, window, min_points) if assessed else set()
    assert set(zip(signals.signal, signals.direction, strict=True)) == expected
    assert len(limits) == (1 if assessed else 0)
    assert (limits["points"] <= window).all()
