"""Parsing once per distinct cell gives what the cell parsers give on every row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transforms.cells import (
    REJECTED_COLUMNS,
    Faults,
    optional_text,
    parse_dates,
    parse_numbers,
    text,
)
from transforms.row_checks import (
    RowFaults,
    _number_keys,
    coded_text,
    column_dates,
    column_numbers,
    column_optional_text,
    combine,
    month_index,
    month_text,
)

CELLS = ["4.8", " 4.8 ", "", "1 234,5", "1.234", "nan", "x", "4.8", "-inf", "1e400", "", "007"]
DATES = ["2026-03-01", "", "2026-3-1", "2026/03/01", "2026-02-30", "2026-03-01", " 2026-03-01",
         "0000-01-01", "9999-12-31"]  # fmt: skip


def _frame(cells: list[str]) -> pd.DataFrame:
    # an index that is not 0..n-1, as after rows are filtered
    index = np.arange(len(cells)) * 3 + 5
    return pd.DataFrame({"c": pd.Series(cells, index=index, dtype="str")})


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_numbers_match_the_cell_parser(decimal_comma: bool) -> None:
    frame = _frame(CELLS)
    ours, theirs = (
        column_numbers(frame, "c", decimal_comma),
        parse_numbers(frame, "c", decimal_comma),
    )
    for name in ("values", "empty", "invalid", "ambiguous", "not_finite"):
        pd.testing.assert_series_equal(
            getattr(ours, name), getattr(theirs, name), check_names=False
        )
    assert ours.values.iloc[[0, 1, 7, 11]].tolist() == [4.8, 4.8, 4.8, 7.0]
    assert ours.empty.sum() == 2 and ours.not_finite.sum() >= 2 and ours.invalid.iloc[6]


def test_dates_and_text_match_the_cell_parsers() -> None:
    frame = _frame(DATES)
    ours, theirs = column_dates(frame, "c"), parse_dates(frame, "c")
    for name in ("values", "empty", "invalid"):
        pd.testing.assert_series_equal(
            getattr(ours, name), getattr(theirs, name), check_names=False
        )
    pd.testing.assert_series_equal(coded_text(frame, "c").rows(), text(frame, "c"))
    expected = optional_text(frame, "c").astype("str")
    pd.testing.assert_series_equal(column_optional_text(frame, "c"), expected, check_names=False)


def test_typed_and_absent_columns_go_to_the_cell_parsers_unchanged() -> None:
    frame = pd.DataFrame({"n": [1.5, np.nan, np.inf]})
    assert column_numbers(frame, "n", False).not_finite.tolist() == [False, False, True]
    assert column_numbers(frame, "absent", False).empty.all()
    assert column_optional_text(frame, "absent").isna().all()
    assert coded_text(frame, "n").rows().tolist() == ["1.5", "", "inf"]


def test_lookup_is_the_mapping_of_each_row_and_missing_where_unmapped() -> None:
    coded = coded_text(_frame(["ratio_kpi", " sum_kpi", "other", "ratio_kpi"]), "c")
    looked = coded.lookup({"ratio_kpi": "ratio", "sum_kpi": "sum"})
    assert looked.astype(object).where(looked.notna(), None).tolist() == [
        "ratio", "sum", None, "ratio"
    ]  # fmt: skip
    assert looked.eq("ratio").tolist() == [True, False, False, True]


def test_month_text_is_the_month_of_each_date() -> None:
    days = pd.Series(pd.to_datetime(["2026-03-31", None, "1999-12-01"]), index=[4, 2, 9])
    labels = month_text(days)
    assert labels.index.tolist() == [4, 2, 9]
    assert labels.iloc[[0, 2]].tolist() == ["2026-03", "1999-12"]
    assert labels.isna().tolist() == [False, True, False]


def test_row_faults_keep_the_first_fault_of_each_row_like_faults() -> None:
    frame = pd.DataFrame({"a": ["x", "y", "z", "w"], "line": [2, 3, 5, 6]}, index=[0, 1, 2, 3])
    checks = [
        (pd.Series([False, True, False, True]), "a", "first"),
        (pd.Series([False, True, True, None], dtype=object), "b", "second"),
        (pd.Series([False, False, False, False]), "c", "never"),
    ]
    ours, theirs = RowFaults(frame.index), Faults(frame.index)
    for mask, column, reason in checks:
        ours.flag(mask, column, reason)
        theirs.flag(mask, column, reason)
    assert ours.ok.tolist() == theirs.ok.tolist() == [True, False, False, False]
    pd.testing.assert_frame_equal(ours.rejected(frame, "f.csv"), theirs.rejected(frame, "f.csv"))


def test_checks_flagged_in_two_sinks_then_joined_give_the_faults_of_flagging_in_order() -> None:
    frame = pd.DataFrame({"a": ["x", "y", "z", "w"], "line": [2, 3, 5, 6]}, index=[4, 1, 9, 3])
    checks = [
        (pd.Series([False, True, False, False], index=frame.index), "a", "first"),
        (pd.Series([False, True, True, False], index=frame.index), "b", "second"),
        (pd.Series([True, False, True, False], index=frame.index), "c", "third"),
    ]
    earlier, later, theirs = RowFaults(frame.index), RowFaults(frame.index), Faults(frame.index)
    for mask, column, reason in checks:
        (earlier if column == "a" else later).flag(mask, column, reason)
        theirs.flag(mask, column, reason)
    earlier.extend(later)
    assert earlier.ok.tolist() == theirs.ok.tolist() == [False, False, False, True]
    rejected = earlier.rejected(frame, "f.csv")
    assert rejected["reason"].tolist() == ["third", "first", "second"]
    pd.testing.assert_frame_equal(rejected, theirs.rejected(frame, "f.csv"))


@pytest.mark.parametrize("index", [pd.RangeIndex(4), pd.Index([7, 3, 11, 5])])
def test_row_faults_with_no_row_at_fault_reject_nothing_as_faults_do(index: pd.Index) -> None:
    frame = pd.DataFrame(
        {"a": pd.Series(["x", "y", "z", "w"], dtype="str"), "line": [2, 3, 5, 6]}, index=index
    )
    ours, theirs = RowFaults(frame.index), Faults(frame.index)
    for faults in (ours, theirs):
        faults.flag(pd.Series(False, index=index), "a", "never")
    files = pd.Series(["f.csv", "f.csv", "g.csv", "g.csv"], index=index, dtype="str")
    for file in ("f.csv", files):
        rejected = ours.rejected(frame, file)
        assert rejected.empty and rejected.columns.tolist() == REJECTED_COLUMNS
        pd.testing.assert_frame_equal(rejected, theirs.rejected(frame, file))


@pytest.mark.parametrize("size", [16, 2**41])  # numbered densely, and by hashing
def test_keys_are_numbered_so_equal_keys_share_a_number(size: int) -> None:
    keys = np.array([5, 9, 5, 7, 9, 5], dtype=np.int64)
    numbers, seen = _number_keys(keys, size)
    assert len(seen) == 3 and sorted(seen.tolist()) == [5, 7, 9]
    assert (seen[numbers] == keys).all()


def test_combinations_are_numbered_once_and_hold_each_rows_codes() -> None:
    first, second = np.array([0, 1, 0, 1, 0]), np.array([2, 2, 2, 0, 1])
    combos = combine([first, np.zeros(5, dtype=np.intp), second], pd.RangeIndex(5))
    assert len(combos) == 4 and combos.codes[0] == combos.codes[2]
    rebuilt = [part[combos.codes] for part in combos.parts]
    assert [r.tolist() for r in rebuilt] == [first.tolist(), [0] * 5, second.tolist()]


def test_month_text_and_index_match_each_dates_month_whatever_the_time_and_span() -> None:
    written = ["1969-12-31 23:00", None, "2026-02-28", "2026-03-01 12:30", "1969-12-31", None]
    written += ["2262-04-01", "1677-09-30"]  # the ends of datetime64[ns]
    days = pd.Series(pd.to_datetime(written, format="mixed")).astype("datetime64[ns]")
    expected = days.dt.strftime("%Y-%m").astype("str")
    pd.testing.assert_series_equal(month_text(days), expected, check_names=False)
    months = month_index(days)
    assert np.isnat(months).tolist() == days.isna().tolist()
    assert months[0] == np.datetime64("1969-12") and months[3] == np.datetime64("2026-03")


def test_a_date_or_month_outside_what_datetime64_holds_is_invalid_not_a_crash() -> None:
    from transforms.cells import parse_months
    from transforms.observation_cells import period_shorthand

    dates = parse_dates(_frame(["0000-01-01", "9999-12-31", "2026-03-01"]), "c")
    assert dates.invalid.tolist() == [True, True, False]
    months = parse_months(pd.Series(["0000-01", "9999-12", "2026-03"], dtype=object))
    assert months.isna().tolist() == [True, True, False]
    start, end = period_shorthand(pd.Series(["0000-01", "2026-03"], dtype="str"))
    assert start.isna().tolist() == [True, False] and end.iloc[1] == pd.Timestamp("2026-03-31")
