from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import schemas
from transforms.aggregation import monthly_values, period_values

KPIS = pd.DataFrame(
    [
        # kpi_id, name, unit, direction, aggregation, scale, decimals, min_denominator
        ("sl", "Service level", "percent", "higher_is_better", "ratio", 100.0, 1, 30.0),
        ("aht", "Handling time", "seconds", "lower_is_better", "ratio", 1.0, 0, None),
        ("nps", "NPS", "points", "higher_is_better", "nps", 100.0, 0, 30.0),
        ("csat", "CSAT", "percent", "higher_is_better", "top2box", 100.0, 1, None),
        ("backlog", "Backlog", "count", "lower_is_better", "last", 1.0, 0, None),
        ("calls", "Calls", "count", "higher_is_better", "sum", 1.0, 0, None),
        ("wait", "Wait", "seconds", "lower_is_better", "mean", 1.0, 0, None),
        ("low", "Lowest", "count", "higher_is_better", "min", 1.0, 0, None),
        ("high", "Highest", "count", "lower_is_better", "max", 1.0, 0, None),
    ],
    columns=list(schemas.KpiCatalog.to_schema().columns),
)


def obs(*rows: dict[str, object]) -> pd.DataFrame:
    """Observations rows: partner P1, a day in the month given, numbers as given."""
    records = []
    for i, row in enumerate(rows):
        start = pd.Timestamp(str(row.get("start", "2026-07-01")))
        end = pd.Timestamp(str(row.get("end", start)))
        records.append(
            {
                "partner_id": row.get("partner", "P1"),
                "kpi_id": row["kpi"],
                "period_start": start,
                "period_end": end,
                "month": start.strftime("%Y-%m"),
                "numerator": row.get("num"),
                "denominator": row.get("den"),
                "value": row.get("value"),
                "source": None,
                "note": None,
                "file": row.get("file", "observations/a.csv"),
                "line": row.get("line", i + 2),
                "origin": row.get("origin", "observation"),
            }
        )
    frame = pd.DataFrame(records)
    for column in ("numerator", "denominator", "value"):
        frame[column] = frame[column].astype(float)
    return frame


def one(values: pd.DataFrame, kpi: str, period: str) -> pd.Series:
    row = values[(values["kpi_id"] == kpi) & (values["period"] == period)]
    assert len(row) == 1
    return row.iloc[0]


def test_ratio_is_sum_of_numerators_over_sum_of_denominators_times_scale() -> None:
    values = monthly_values(
        obs(
            {"kpi": "sl", "num": 60, "den": 100},
            {"kpi": "sl", "num": 30, "den": 50, "start": "2026-07-02"},
        ),
        KPIS,
    )
    row = one(values, "sl", "2026-07")
    assert row["actual"] == 60.0  # 90 / 150 × 100
    assert (row["numerator"], row["denominator"], row["rows"]) == (90.0, 150.0, 2)
    assert not row["insufficient_volume"]


def test_quarter_ratio_is_ratio_of_sums_not_mean_of_monthly_ratios() -> None:
    rows = obs(
        {"kpi": "sl", "num": 90, "den": 100, "start": "2026-07-01"},  # July 90 %
        {"kpi": "sl", "num": 10, "den": 100, "start": "2026-08-01"},  # August 10 %
        {"kpi": "sl", "num": 800, "den": 1000, "start": "2026-09-01"},  # September 80 %
    )
    quarter = one(
        period_values(rows, KPIS, {"2026-Q3": ["2026-07", "2026-08", "2026-09"]}),
        "sl",
        "2026-Q3",
    )
    # Mean of the monthly ratios would be (90 + 10 + 80) / 3 = 60; the quarter is
    # (90 + 10 + 800) / (100 + 100 + 1000) × 100 = 900 / 1200 × 100 = 75.
    assert quarter["actual"] == 75.0
    assert quarter["actual"] != pytest.approx(60.0)
    assert (quarter["numerator"], quarter["denominator"], quarter["rows"]) == (900.0, 1200.0, 3)


def test_ratio_of_whole_counts_is_exact_for_the_target_comparison() -> None:
    # 57 / 100 × 100 is 56.99999999999999 in floating point; 57 × 100 / 100 is 57.
    values = monthly_values(obs({"kpi": "sl", "num": 57, "den": 100}), KPIS)
    assert one(values, "sl", "2026-07")["actual"] == 57.0


def test_insufficient_volume_when_denominator_below_min_denominator() -> None:
    values = monthly_values(
        obs(
            {"kpi": "sl", "num": 20, "den": 29, "start": "2026-07-01"},
            {"kpi": "sl", "num": 20, "den": 30, "start": "2026-08-01"},
            {"kpi": "aht", "num": 3000, "den": 10, "start": "2026-07-01"},
        ),
        KPIS,
    )
    assert bool(one(values, "sl", "2026-07")["insufficient_volume"]) is True
    assert bool(one(values, "sl", "2026-08")["insufficient_volume"]) is False
    # no min_denominator: never insufficient
    assert bool(one(values, "aht", "2026-07")["insufficient_volume"]) is False
    assert one(values, "aht", "2026-07")["actual"] == 300.0


def test_nps_from_raw_answers_equals_nps_from_ratio_rows() -> None:
    # 10 answers: 5 promoters (+1), 3 passives (0), 2 detractors (-1) -> NPS 30.
    answers = obs(
        *(
            {"kpi": "nps", "num": n, "den": 1, "origin": "survey", "start": f"2026-07-{d:02d}"}
            for d, n in enumerate([1, 1, 1, 1, 1, 0, 0, 0, -1, -1], start=1)
        )
    )
    ratio_rows = obs({"kpi": "nps", "num": 3, "den": 10})
    from_answers = one(monthly_values(answers, KPIS), "nps", "2026-07")
    from_ratio = one(monthly_values(ratio_rows, KPIS), "nps", "2026-07")
    assert from_answers["actual"] == 30.0
    assert from_ratio["actual"] == 30.0
    assert (from_answers["numerator"], from_answers["denominator"]) == (3.0, 10.0)
    assert from_answers["rows"] == 10 and from_ratio["rows"] == 1


def test_nps_pools_answers_and_ratio_rows_with_negative_numerator() -> None:
    rows = obs(
        {"kpi": "nps", "num": -1, "den": 1, "origin": "survey"},
        {"kpi": "nps", "num": 1, "den": 1, "origin": "survey"},
        {"kpi": "nps", "num": -4, "den": 8},
    )
    row = one(monthly_values(rows, KPIS), "nps", "2026-07")
    # (-1 + 1 - 4) / (1 + 1 + 8) × 100 = -40
    assert row["actual"] == -40.0
    assert row["rows"] == 3
    assert bool(row["insufficient_volume"]) is True  # 10 answers < 30


def test_top2box_is_share_of_answers_scoring_four_or_five() -> None:
    rows = obs(*({"kpi": "csat", "num": n, "den": 1, "origin": "survey"} for n in [1, 1, 1, 0]))
    row = one(monthly_values(rows, KPIS), "csat", "2026-07")
    assert row["actual"] == 75.0
    assert (row["numerator"], row["denominator"], row["rows"]) == (3.0, 4.0, 4)


def test_last_takes_latest_period_end_then_start_then_later_file_then_later_line() -> None:
    rows = obs(
        {"kpi": "backlog", "value": 10, "start": "2026-07-01", "end": "2026-07-31"},
        {"kpi": "backlog", "value": 20, "start": "2026-07-30", "end": "2026-07-30"},
        # the latest period_end is 31 July; of those, the latest period_start wins
        {"kpi": "backlog", "value": 30, "start": "2026-07-31", "end": "2026-07-31"},
        {"kpi": "backlog", "value": 5, "start": "2026-07-15"},
    )
    assert one(monthly_values(rows, KPIS), "backlog", "2026-07")["actual"] == 30.0


def test_last_with_corrected_duplicate_takes_file_sorting_last() -> None:
    # Same day in two files: 2026-07_v2.csv sorts after 2026-07.csv and corrects it,
    # even though the v2 row comes first in the frame and has an earlier line.
    rows = obs(
        {
            "kpi": "backlog",
            "value": 140,
            "start": "2026-07-31",
            "file": "o/2026-07_v2.csv",
            "line": 2,
        },
        {"kpi": "backlog", "value": 120, "start": "2026-07-31", "file": "o/2026-07.csv", "line": 9},
        {"kpi": "backlog", "value": 100, "start": "2026-07-31", "file": "o/2026-07.csv", "line": 3},
    )
    row = one(monthly_values(rows, KPIS), "backlog", "2026-07")
    assert row["actual"] == 140.0
    assert row["rows"] == 3
    assert pd.isna(row["numerator"]) and pd.isna(row["denominator"])


def test_last_within_one_file_takes_the_later_line() -> None:
    rows = obs(
        {"kpi": "backlog", "value": 7, "start": "2026-07-31", "line": 9},
        {"kpi": "backlog", "value": 8, "start": "2026-07-31", "line": 4},
    )
    assert one(monthly_values(rows, KPIS), "backlog", "2026-07")["actual"] == 7.0


def test_sum_mean_min_max_of_values() -> None:
    rows = obs(
        *(
            {"kpi": kpi, "value": v, "start": f"2026-07-0{d}"}
            for kpi in ("calls", "wait", "low", "high")
            for d, v in ((1, 4.0), (2, 10.0), (3, 1.0))
        )
    )
    values = monthly_values(rows, KPIS)
    assert one(values, "calls", "2026-07")["actual"] == 15.0
    assert one(values, "wait", "2026-07")["actual"] == 5.0
    assert one(values, "low", "2026-07")["actual"] == 1.0
    assert one(values, "high", "2026-07")["actual"] == 10.0
    assert one(values, "calls", "2026-07")["rows"] == 3


def test_periods_are_per_partner_and_a_month_can_feed_month_and_quarter() -> None:
    rows = obs(
        {"kpi": "calls", "value": 1, "partner": "P1"},
        {"kpi": "calls", "value": 2, "partner": "P2"},
    )
    values = period_values(rows, KPIS, {"2026-07": ["2026-07"], "2026-Q3": ["2026-07"]})
    assert sorted(zip(values["partner_id"], values["period"], values["actual"], strict=True)) == [
        ("P1", "2026-07", 1.0),
        ("P1", "2026-Q3", 1.0),
        ("P2", "2026-07", 2.0),
        ("P2", "2026-Q3", 2.0),
    ]


def test_periods_in_the_order_given_or_by_label_hold_the_same_rows() -> None:
    rows = obs(
        {"kpi": "calls", "value": 1, "partner": "P2", "start": "2026-06-01"},
        {"kpi": "calls", "value": 2, "partner": "P1", "start": "2026-07-01"},
        {"kpi": "wait", "value": 3, "partner": "P1", "start": "2026-09-01"},
        {"kpi": "calls", "value": 4, "partner": "P1", "start": "2026-06-01"},
    )
    periods = {"2026-Q3": ["2026-07", "2026-08", "2026-09"], "2026-Q2": ["2026-06"]}
    given = period_values(rows, KPIS, periods)
    by_label = period_values(rows, KPIS, periods, in_given_order=False)
    assert list(zip(given["partner_id"], given["kpi_id"], given["period"], strict=True)) == [
        ("P1", "calls", "2026-Q3"),
        ("P1", "wait", "2026-Q3"),
        ("P1", "calls", "2026-Q2"),
        ("P2", "calls", "2026-Q2"),
    ]
    assert list(zip(by_label["kpi_id"], by_label["period"], strict=True))[:2] == [
        ("calls", "2026-Q2"),
        ("calls", "2026-Q3"),
    ]
    keys = ["partner_id", "kpi_id", "period"]
    assert list(by_label[keys].itertuples(index=False)) == sorted(
        given[keys].itertuples(index=False)
    )
    pd.testing.assert_frame_equal(
        by_label.sort_values(keys, ignore_index=True),
        given.sort_values(keys, ignore_index=True),
        check_exact=True,
    )


def test_period_without_rows_has_no_value_row() -> None:
    rows = obs({"kpi": "calls", "value": 1})
    values = period_values(rows, KPIS, {"2026-08": ["2026-08"]})
    assert values.empty
    assert list(values.columns)[:4] == ["partner_id", "kpi_id", "period", "actual"]


month_counts = st.lists(
    st.tuples(
        st.sampled_from(["2026-07", "2026-08", "2026-09"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=1, max_value=10_000),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(month_counts)
def test_quarter_ratio_equals_pooled_monthly_numerators_and_denominators(
    counts: list[tuple[str, int, int]],
) -> None:
    rows = obs(
        *(
            {"kpi": "sl", "num": n, "den": max(d, n), "start": f"{m}-{i % 28 + 1:02d}"}
            for i, (m, n, d) in enumerate(counts)
        )
    )
    schemas.Observations.validate(rows)
    months = monthly_values(rows, KPIS)
    quarter = one(period_values(rows, KPIS, {"Q": ["2026-07", "2026-08", "2026-09"]}), "sl", "Q")
    pooled = months["numerator"].sum() * 100 / months["denominator"].sum()
    assert quarter["actual"] == pytest.approx(pooled, rel=1e-12)
    assert quarter["rows"] == len(counts) == months["rows"].sum()


cells = st.lists(
    st.tuples(
        st.sampled_from(["P1", "P2"]),
        st.sampled_from(["2026-07-01", "2026-08-01"]),
        st.sampled_from([float("nan"), -0.0, 0.1, 0.2, 3.0, 1e16, -1e16, float("inf")]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=120, deadline=None)
@given(cells, st.sampled_from(["calls", "wait", "low", "high"]))
def test_sum_mean_min_max_equal_pandas_groupby_to_the_last_bit(
    rows: list[tuple[str, str, float]], kpi: str
) -> None:
    frame = obs(*({"kpi": kpi, "partner": p, "start": d, "value": v} for p, d, v in rows))
    how = {"calls": "sum", "wait": "mean", "low": "min", "high": "max"}[kpi]
    pandas = frame.groupby(["partner_id", "kpi_id", "month"], sort=True)["value"].agg(how)
    values = monthly_values(frame, KPIS)
    pd.testing.assert_series_equal(
        pd.Series(values["actual"].to_numpy(), name="value"),
        pd.Series(pandas.to_numpy(), name="value"),
        check_exact=True,
    )


@pytest.mark.parametrize("empty_cell", [True, False], ids=["compensated", "added-plainly"])
def test_one_row_per_group_gives_pandas_groupby_figures_to_the_last_bit(empty_cell: bool) -> None:
    # every partner, KPI and month one row (the usual monthly file): -0.0 stays -0.0 when
    # pandas adds plainly and becomes 0.0 when it compensates (an empty cell anywhere)
    numbers = [-0.0, 0.1, 1e16, -3.5, 2.0**53, 7.0]
    if empty_cell:
        numbers[3] = float("nan")
    kinds = {"sl": "ratio", "nps": "ratio", "calls": "sum", "wait": "mean", "low": "min"}
    kinds |= {"high": "max", "backlog": "last"}
    frame = obs(
        *(
            {"kpi": kpi, "partner": p, "start": f"2026-0{m}-01", "value": v, "num": v, "den": 2.0}
            for p in ("P1", "P2")  # rows grouped in order of appearance
            for kpi in sorted(kinds)
            for m, v in zip((7, 8, 9), numbers[(p == "P2") * 3 :], strict=False)
        )
    )
    grouped = frame.groupby(["partner_id", "kpi_id", "month"], sort=True)
    values = monthly_values(frame, KPIS).set_index(["partner_id", "kpi_id", "period"])
    assert (values["rows"] == 1).all()
    for kpi, how in kinds.items():
        got = values.xs(kpi, level="kpi_id")
        if how == "ratio":
            sums = grouped[["numerator", "denominator"]].sum().xs(kpi, level="kpi_id")
            want = (sums["numerator"] * 100.0 / sums["denominator"]).to_numpy()
            assert got["numerator"].to_numpy().tobytes() == sums["numerator"].to_numpy().tobytes()
        else:
            agg = {"last": "max"}.get(how, how)  # of one row: its value
            want = grouped["value"].agg(agg).xs(kpi, level="kpi_id").to_numpy()
        assert got["actual"].to_numpy().tobytes() == want.tobytes(), kpi


def test_sums_of_rows_out_of_group_order_are_compensated_like_pandas() -> None:
    partners = ["P1", "P2", "P1", "P2", "P1"]
    numbers = [1e16, 5.0, 1.0, 5.0, 1.0]  # added plainly, P1's two ones would be lost
    frame = obs(
        *(
            {"kpi": "calls", "partner": p, "value": v}
            for p, v in zip(partners, numbers, strict=True)
        )
    )
    pandas = frame.groupby(["partner_id", "kpi_id", "month"], sort=True)["value"].sum()
    actual = monthly_values(frame, KPIS)["actual"].tolist()
    assert actual == pandas.tolist() == [1e16 + 2.0, 10.0]
    assert actual[0] != (1e16 + 1.0) + 1.0
