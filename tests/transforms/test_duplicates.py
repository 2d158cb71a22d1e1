"""The duplicate rule with each row's key as one number decides as with the four columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.duplicates import ROW_KEY, coded_row_keys, duplicate_rule, kept_rows, row_keys
from transforms.observations import OBSERVATION_COLUMNS

PARTNERS = ["ALPHA", "BETA"]
KPIS = ["backlog", "service_level", "nps"]


def _rows() -> pd.DataFrame:
    """Rows of two files: repeats, replacements, and near misses on each part of the key."""
    specs = [  # partner, kpi, start, end, value, file, line
        ("ALPHA", "backlog", "2026-03-01", "2026-03-31", 1.0, "b.csv", 2),
        ("ALPHA", "backlog", "2026-03-01", "2026-03-30", 1.0, "b.csv", 3),  # other end
        ("ALPHA", "backlog", "2026-03-02", "2026-03-31", 1.0, "b.csv", 4),  # other start
        ("ALPHA", "nps", "2026-03-01", "2026-03-31", 1.0, "b.csv", 5),  # other KPI
        ("BETA", "backlog", "2026-03-01", "2026-03-31", 1.0, "b.csv", 6),  # other partner
        ("ALPHA", "backlog", "2026-03-01", "2026-03-31", 2.0, "a.csv", 9),  # replaced by b.csv
        ("BETA", "backlog", "2026-03-01", "2026-03-31", 1.0, "b.csv", 7),  # same values
        ("BETA", "nps", "1970-01-01", "1970-01-01", 1.0, "a.csv", 2),
        ("BETA", "nps", "1969-12-31", "1969-12-31", 1.0, "a.csv", 3),
    ]
    frame = pd.DataFrame(
        specs,
        columns=["partner_id", "kpi_id", "period_start", "period_end", "value", "file", "line"],
    )
    for name in ("period_start", "period_end"):
        frame[name] = pd.to_datetime(frame[name])
    for name in OBSERVATION_COLUMNS:
        if name not in frame.columns:
            frame[name] = np.nan
    return frame[OBSERVATION_COLUMNS]


def test_keys_tell_apart_rows_that_differ_in_any_part_of_the_key() -> None:
    rows = _rows()
    keys = row_keys(
        rows["partner_id"].map(PARTNERS.index).to_numpy(),
        rows["kpi_id"].map(KPIS.index).to_numpy(),
        len(KPIS),
        rows["period_start"],
        rows["period_end"],
    )
    assert keys is not None
    same_key = rows.duplicated(["partner_id", "kpi_id", "period_start", "period_end"], keep=False)
    assert pd.Series(keys).duplicated(keep=False).tolist() == same_key.tolist()


def test_keys_of_rows_given_by_codes_are_the_keys_of_their_ids_and_dates() -> None:
    rows = _rows()
    partner_codes, partner_cells = pd.factorize(rows["partner_id"])
    kpi_codes, kpi_cells = pd.factorize(rows["kpi_id"])
    partner_at = np.array([PARTNERS.index(cell) for cell in partner_cells])
    kpi_at = np.array([KPIS.index(cell) for cell in kpi_cells])
    period, distinct = pd.MultiIndex.from_frame(rows[["period_start", "period_end"]]).factorize()
    periods = (
        pd.Series(distinct.get_level_values(0)),
        pd.Series(distinct.get_level_values(1)),
    )
    coded = coded_row_keys(
        (partner_codes, partner_at), (kpi_codes, kpi_at), len(KPIS), period, periods
    )
    expected = row_keys(
        partner_at[partner_codes],
        kpi_at[kpi_codes],
        len(KPIS),
        rows["period_start"],
        rows["period_end"],
    )
    assert coded is not None and expected is not None
    np.testing.assert_array_equal(coded, expected)
    too_many = (partner_codes, partner_at + 2**40)
    assert coded_row_keys(too_many, (kpi_codes, kpi_at), len(KPIS), period, periods) is None


def test_resolving_by_keys_gives_the_same_kept_and_superseded_rows() -> None:
    rows = _rows()
    keyed = rows.assign(
        **{
            ROW_KEY: row_keys(
                rows["partner_id"].map(PARTNERS.index).to_numpy(),
                rows["kpi_id"].map(KPIS.index).to_numpy(),
                len(KPIS),
                rows["period_start"],
                rows["period_end"],
            )
        }
    )
    (kept_at, superseded), (kept_at_by_key, superseded_by_key) = map(duplicate_rule, (rows, keyed))
    kept, kept_by_key = kept_rows(rows, kept_at), kept_rows(keyed, kept_at_by_key)
    pd.testing.assert_frame_equal(kept_by_key, kept)
    pd.testing.assert_frame_equal(superseded_by_key, superseded)
    assert superseded["reason"].tolist() == ["different values", "same values"]
    assert ROW_KEY not in kept_by_key.columns


def test_kept_rows_taken_column_by_column_equal_the_rows_filtered_in_file_order() -> None:
    rows = _rows().astype({name: "str" for name in ["partner_id", "kpi_id", "file"]})
    kept_at, _ = duplicate_rule(rows)
    assert kept_at is not None
    ordered = rows.sort_values(["file", "line"], kind="stable").reset_index(drop=True)
    key = ["partner_id", "kpi_id", "period_start", "period_end"]
    expected = ordered[~ordered.duplicated(key, keep="last")].reset_index(drop=True)
    taken = kept_rows(rows, kept_at, consume=True)
    pd.testing.assert_frame_equal(taken, expected)
    assert rows.columns.empty  # each column left the source once taken (peak memory)


def test_rows_in_file_order_without_duplicates_are_kept_as_they_are() -> None:
    rows = _rows().iloc[[7, 8, 0, 1]].reset_index(drop=True)  # a.csv then b.csv, in line order
    kept_at, superseded = duplicate_rule(rows)
    assert kept_at is None and superseded.empty
    pd.testing.assert_frame_equal(kept_rows(rows, kept_at), rows)


@pytest.mark.parametrize("file_type", ["str", "category"])
def test_within_one_file_out_of_line_order_the_later_line_wins(file_type: str) -> None:
    rows = _rows().iloc[[0, 1, 4]].reset_index(drop=True)  # b.csv lines 2, 3, 6
    rows = pd.concat([rows, rows.iloc[[0]].assign(line=1, value=5.0)], ignore_index=True)
    rows = rows.iloc[[2, 3, 0, 1]].reset_index(drop=True)  # lines 6, 1, 2, 3
    rows["file"] = rows["file"].astype(file_type)
    kept_at, superseded = duplicate_rule(rows)
    kept = kept_rows(rows, kept_at)
    assert kept["line"].tolist() == [2, 3, 6]  # in line order, line 2 over line 1
    assert superseded[["line", "kept_line", "reason"]].values.tolist() == [
        [1, 2, "different values"]
    ]


@st.composite
def _drawn_rows(draw: st.DrawFn) -> pd.DataFrame:
    """Rows of up to three files in any order, many sharing a key, some with equal values."""
    size = draw(st.integers(1, 40))
    column = lambda values: draw(st.lists(st.sampled_from(values), min_size=size, max_size=size))  # noqa: E731
    starts = pd.to_datetime(column(["2026-03-01", "2026-03-02", "1969-12-31"]))
    frame = pd.DataFrame(
        {
            "partner_id": column(PARTNERS),
            "kpi_id": column(KPIS),
            "period_start": starts,
            "period_end": starts + pd.to_timedelta(column([0, 0, 1]), unit="D"),
            "value": column([1.0, 2.0, np.nan]),
            "file": column(["a.csv", "b.csv", "c/a.csv"]),
            "line": draw(st.permutations(range(2, size + 2))),
        }
    )
    for name in OBSERVATION_COLUMNS:
        if name not in frame.columns:
            frame[name] = np.nan
    return frame[OBSERVATION_COLUMNS]


@settings(max_examples=100, deadline=None)
@given(_drawn_rows(), st.sampled_from([object, "str", "category"]))
def test_the_rule_by_key_keeps_and_supersedes_the_rows_the_four_columns_do(
    rows: pd.DataFrame, text: object
) -> None:
    rows = rows.astype({"partner_id": text, "kpi_id": text})  # key columns of each text dtype
    keyed = rows.assign(
        **{
            ROW_KEY: row_keys(
                rows["partner_id"].astype(object).map(PARTNERS.index).to_numpy(),
                rows["kpi_id"].astype(object).map(KPIS.index).to_numpy(),
                len(KPIS),
                rows["period_start"],
                rows["period_end"],
            )
        }
    )
    (kept_at, superseded), (kept_at_by_key, superseded_by_key) = map(duplicate_rule, (rows, keyed))
    assert (kept_at is None) == (kept_at_by_key is None)
    pd.testing.assert_frame_equal(kept_rows(keyed, kept_at_by_key), kept_rows(rows, kept_at))
    pd.testing.assert_frame_equal(superseded_by_key, superseded)
    ordered = rows.sort_values(["file", "line"], kind="stable")  # the rule as SPEC §3 says it
    key = ["partner_id", "kpi_id", "period_start", "period_end"]
    winners = ordered[~ordered.duplicated(key, keep="last")].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept_rows(keyed, kept_at_by_key), winners)
    assert len(superseded) == len(rows) - len(winners)
