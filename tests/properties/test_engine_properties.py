"""Properties of the engine (issue 3): row order, daily splits, quarters, improvements."""

from __future__ import annotations

import random

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties.frames import (
    KPIS,
    MONTHS,
    PARTNERS,
    RATIO_KPIS,
    Row,
    empty_source,
    make_catalog,
    observations_frame,
    rows,
)
from transforms.aggregation import monthly_values, period_values
from transforms.model import ReviewModel
from transforms.periods import parse_quarter, quarterly_run
from transforms.review import build_review

Q2 = quarterly_run(parse_quarter("2026-Q2", 1))
CATALOG = make_catalog()
RANK = {"breach": 0, "at_risk": 1, "met": 2}
FEW = settings(max_examples=30, deadline=None)


def _review(observations: pd.DataFrame) -> ReviewModel:
    return build_review(CATALOG, empty_source(observations), Q2)


@FEW
@given(drawn=rows(max_size=60), order=st.randoms(use_true_random=False))
def test_row_order_changes_no_output_of_the_review(drawn: list[Row], order: random.Random) -> None:
    frame = observations_frame(drawn)
    positions = list(range(len(frame)))
    order.shuffle(positions)
    shuffled = frame.iloc[positions].reset_index(drop=True)
    before, after = _review(frame), _review(shuffled)
    for name in ("scorecard", "monthly", "credits", "deviations", "objectives", "signals"):
        pd.testing.assert_frame_equal(
            getattr(before, name).reset_index(drop=True),
            getattr(after, name).reset_index(drop=True),
            check_exact=False,
            rtol=1e-12,
            obj=name,
        )


@st.composite
def _month_and_days(draw: st.DrawFn) -> tuple[list[Row], list[Row]]:
    """The same ratio counts as 1–6 daily rows per month, and as one whole-month row."""
    monthly, daily = [], []
    for pid in PARTNERS:
        for kid in RATIO_KPIS:
            for month in draw(st.lists(st.sampled_from(MONTHS), min_size=1, unique=True)):
                first = pd.Timestamp(f"{month}-01")
                dens = draw(st.lists(st.integers(1, 150), min_size=1, max_size=6))
                nums = [draw(st.integers(0, d)) for d in dens]
                for i, (n, d) in enumerate(zip(nums, dens, strict=True)):
                    daily.append(Row(pid, kid, first + pd.Timedelta(days=i), n, d, None))
                last = first + pd.offsets.MonthEnd(0)
                monthly.append(Row(pid, kid, first, sum(nums), sum(dens), None, end=last))
    return monthly, daily


@FEW
@given(split=_month_and_days())
def test_splitting_a_month_into_daily_rows_with_the_same_sums_keeps_the_ratio(
    split: tuple[list[Row], list[Row]],
) -> None:
    monthly, daily = (observations_frame(rows) for rows in split)
    columns = ["partner_id", "kpi_id", "period", "actual", "numerator", "denominator"]
    whole = monthly_values(monthly, CATALOG.kpis)[columns]
    days = monthly_values(daily, CATALOG.kpis)[columns]
    pd.testing.assert_frame_equal(whole, days, check_exact=True)
    judged = ["partner_id", "kpi_id", "period", "actual", "status"]
    pd.testing.assert_frame_equal(
        _review(monthly).scorecard[judged], _review(daily).scorecard[judged], check_exact=True
    )


@FEW
@given(drawn=rows(kpi_ids=RATIO_KPIS, max_size=60))
def test_a_quarter_ratio_lies_between_its_months_min_and_max(drawn: list[Row]) -> None:
    frame = observations_frame(drawn)
    months = monthly_values(frame, CATALOG.kpis)
    quarter = period_values(frame, CATALOG.kpis, {"2026-Q2": list(MONTHS)})
    assert len(quarter) == len(months.groupby(["partner_id", "kpi_id"]))
    bounds = months.groupby(["partner_id", "kpi_id"])["actual"].agg(["min", "max"])
    joined = quarter.set_index(["partner_id", "kpi_id"]).join(bounds)
    slack = 1e-9 * joined["max"].abs().clip(lower=1.0)
    assert (joined["actual"] >= joined["min"] - slack).all()
    assert (joined["actual"] <= joined["max"] + slack).all()


@st.composite
def _improved(draw: st.DrawFn) -> tuple[list[Row], list[Row]]:
    """Rows, and the same rows each made at least as good in its KPI's direction."""
    before = draw(rows(max_size=60))
    after = []
    for row in before:
        better = next(k for k in KPIS if k.kpi_id == row.kpi_id).direction == "higher_is_better"
        step = draw(st.integers(0, 5000)) / 100
        if row.numerator is not None:
            numerator = row.numerator + step if better else max(row.numerator - step, 0.0)
            after.append(Row(row.partner_id, row.kpi_id, row.day, numerator, row.denominator, None))
        else:
            value = row.value + step if better else row.value - step  # type: ignore[operator]
            after.append(Row(row.partner_id, row.kpi_id, row.day, None, None, value))
    return before, after


@FEW
@given(pair=_improved())
def test_improving_every_value_never_worsens_a_status(pair: tuple[list[Row], list[Row]]) -> None:
    keys = ["partner_id", "kpi_id", "period"]
    before, after = (_review(observations_frame(rows)).scorecard for rows in pair)
    joined = before.merge(after, on=keys, suffixes=("_before", "_after"), validate="1:1")
    judged = joined["status_before"].isin(list(RANK))
    assert joined.loc[judged, "status_after"].isin(list(RANK)).all()
    ranks_before = joined.loc[judged, "status_before"].map(RANK)
    ranks_after = joined.loc[judged, "status_after"].map(RANK)
    assert (ranks_after >= ranks_before).all()
    unjudged = joined.loc[~judged]
    assert (unjudged["status_before"] == unjudged["status_after"]).all()
