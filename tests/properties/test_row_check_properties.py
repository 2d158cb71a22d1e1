"""Checking distinct cells once gives what checking every row with the cell parsers gives.

``check_period`` runs its checks once per distinct combination of a row's period cells
(``transforms.row_checks.combine``) and ``check_numbers`` parses each distinct number
cell once; both spread the results to the rows. Here they are compared with the exact
path, the same checks on every row with the cell parsers of ``transforms.cells``, on
frames of adversarial cells: the same first fault (column and reason) on every row and
the same dates and numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.cells import Faults, parse_dates, parse_numbers, text
from transforms.observation_cells import (
    check_numbers,
    check_period,
    number_rows,
    period_rows,
    period_shorthand,
)
from transforms.row_checks import RowFaults, combine

MANY = settings(max_examples=150, deadline=None)
NUMBER_CELLS = [
    "4.8", " 4.8 ", "", " ", "0", "-0", "-5", "5", "10", "007", ".5", "5.", "+.5", "1e3",
    "4,80", "1 234,5", "1\u00a0234,5", "1\u202f234", "1.234", "1.234,5", "12.345.678",
    "1,2,3", "1.2,3", "nan", "NaN", "-inf", "Infinity", "1e400", "-1e400", "0x10", "x",
]  # fmt: skip
DATE_CELLS = [
    "2026-03-01", "2026-03-31", "2026-3-1", "2026-02-30", "31/02/2026", "2026-02",
    "2026-03", "2026-13-01", "", " 2026-03-01", "2026-03-01 ", "x", "2026-02-28",
]  # fmt: skip
AGGREGATIONS = ["ratio", "nps", "top2box", "sum", "mean", None]


def _cells(choices: list[str], alphabet: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(choices), st.text(alphabet=alphabet, max_size=8))


def _column(
    draw: st.DrawFn, rows: int, cells: st.SearchStrategy[str], typed: pd.Series
) -> pd.Series | None:
    """Absent, typed (as from Parquet) or text cells, few distinct ones repeated."""
    kind = draw(st.sampled_from(["absent", "typed", "text", "text"]))
    if kind == "absent":
        return None
    if kind == "typed":
        return typed
    pool = draw(st.lists(cells, min_size=1, max_size=6))
    picks = draw(st.lists(st.integers(0, len(pool) - 1), min_size=rows, max_size=rows))
    return pd.Series([pool[i] for i in picks], dtype=draw(st.sampled_from(["str", object])))


@st.composite
def raw_frames(draw: st.DrawFn, names: list[str], dates: bool) -> pd.DataFrame:
    rows = draw(st.integers(1, 30))
    if dates:
        cells = _cells(DATE_CELLS, "0123456789-/ ")
        days = draw(
            st.lists(
                st.sampled_from(["2026-03-01", "2026-03-31", None]), min_size=rows, max_size=rows
            )
        )
        typed = pd.Series(pd.to_datetime(days)).astype("datetime64[ns]")
    else:
        cells = _cells(NUMBER_CELLS, "0123456789.,+-eE n")
        floats = st.one_of(
            st.floats(allow_nan=True, allow_infinity=True), st.integers(-9, 9).map(float)
        )
        typed = pd.Series(draw(st.lists(floats, min_size=rows, max_size=rows)), dtype=float)
    columns = {name: _column(draw, rows, cells, typed) for name in names}
    frame = pd.DataFrame({n: c for n, c in columns.items() if c is not None}, index=range(rows))
    frame.index = np.arange(rows) * 2 + 3  # not 0..n-1, as after rows are dropped
    return frame


def _same_faults(fast: Faults, exact: Faults) -> None:
    pd.testing.assert_series_equal(fast.column, exact.column)
    pd.testing.assert_series_equal(fast.reason, exact.reason)


@MANY
@given(raw_frames(["period_start", "period_end", "period"], dates=True))
def test_period_checks_once_per_combination_equal_the_checks_of_every_row(
    raw: pd.DataFrame,
) -> None:
    fast, exact = Faults(raw.index), Faults(raw.index)
    start, end = check_period(fast, raw)
    period = text(raw, "period")
    expected = period_rows(
        exact,
        parse_dates(raw, "period_start"),
        parse_dates(raw, "period_end"),
        period,
        period_shorthand(period),
    )
    _same_faults(fast, exact)
    pd.testing.assert_series_equal(start, expected[0], check_names=False)
    pd.testing.assert_series_equal(end, expected[1], check_names=False)


@MANY
@given(
    raw_frames(["numerator", "denominator", "value"], dates=False),
    st.data(),
    st.booleans(),
)
def test_number_checks_once_per_distinct_cell_equal_the_checks_of_every_row(
    raw: pd.DataFrame, data: st.DataObject, decimal_comma: bool
) -> None:
    kinds = data.draw(st.lists(st.sampled_from(AGGREGATIONS), min_size=len(raw), max_size=len(raw)))
    aggregation = pd.Series(pd.Categorical(kinds), index=raw.index)
    fast, exact = Faults(raw.index), Faults(raw.index)
    numbers = check_numbers(fast, raw, aggregation, decimal_comma)
    parsed = [parse_numbers(raw, n, decimal_comma) for n in ("numerator", "denominator", "value")]
    expected = number_rows(exact, *parsed, aggregation=aggregation)
    _same_faults(fast, exact)
    for name, values in expected.items():
        pd.testing.assert_series_equal(numbers[name], values, check_names=False)


def test_the_fast_checks_reject_the_same_rows_through_row_faults() -> None:
    cells = ["5", "-5", "x", "", "1e400", "5", "nan"]
    raw = pd.DataFrame(
        {"numerator": cells, "denominator": ["10", "10", "10", "10", "10", "0", "10"]},
        dtype="str",
    ).assign(line=range(2, 9))
    aggregation = pd.Series(pd.Categorical(["ratio"] * 6 + ["sum"]))
    fast, exact = RowFaults(raw.index), Faults(raw.index)
    check_numbers(fast, raw, aggregation, False)
    parsed = [parse_numbers(raw, n, False) for n in ("numerator", "denominator", "value")]
    number_rows(exact, *parsed, aggregation=aggregation)
    rejected = fast.rejected(raw, "f.csv")
    pd.testing.assert_frame_equal(rejected, exact.rejected(raw, "f.csv"))
    assert rejected["line"].tolist() == [3, 4, 5, 6, 7, 8]
    assert rejected["column"].tolist() == ["numerator"] * 4 + ["denominator", "value"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 4), min_size=0, max_size=3), min_size=0, max_size=4))
def test_combine_numbers_each_distinct_combination_once(columns: list[list[int]]) -> None:
    rows = min((len(c) for c in columns), default=0)
    codes = [np.asarray(c[:rows], dtype=np.intp) for c in columns]
    combos = combine(codes, pd.RangeIndex(rows))
    seen = {tuple(int(p[k]) for p in combos.parts) for k in range(len(combos))}
    assert len(seen) == len(combos)  # each combination once
    for row in range(rows):  # each row's combination has the row's codes
        assert [int(p[combos.codes[row]]) for p in combos.parts] == [int(c[row]) for c in codes]
