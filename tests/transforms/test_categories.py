"""Category columns: sorted, used str labels, the same text row by row as the str column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.categories import (
    as_category,
    coded_category,
    coded_month_category,
    concat_rows,
    constant_category,
    empty_category,
    month_category,
)
from transforms.codes import decoded


def _is_tidy(column: pd.Series) -> bool:
    """Sorted str labels, each used by a row."""
    labels = column.cat.categories
    codes = column.cat.codes.to_numpy()
    used = set(codes[codes >= 0].tolist())
    return (
        labels.dtype == "str" and labels.is_monotonic_increasing and used == set(range(len(labels)))
    )


def test_coded_rows_become_one_sorted_label_each_with_empty_cells_empty() -> None:
    labels = pd.Series(["b", "a", "b", None], dtype="str")  # a label twice, an empty cell
    column = pd.Series(coded_category(np.array([0, 1, 2, 3, -1, 0]), labels))
    assert column.astype(object).where(column.notna(), None).tolist() == [
        "b", "a", "b", None, None, "b",
    ]  # fmt: skip
    assert column.cat.categories.tolist() == ["a", "b"]


def test_month_labels_are_the_months_of_the_dates_and_empty_for_no_date() -> None:
    days = pd.Series(pd.to_datetime(["2026-03-31", "2025-12-01", None, "2026-03-01"]))
    column = pd.Series(month_category(days))
    assert column.tolist()[:2] == ["2026-03", "2025-12"]
    assert pd.isna(column.iloc[2])
    assert column.iloc[3] == "2026-03"
    assert _is_tidy(column)


def test_coded_month_labels_are_the_months_of_the_dates_at_each_rows_position() -> None:
    days = pd.Series(pd.to_datetime(["2026-03-31", None, "2025-12-01", "2026-03-01"]))
    positions = np.array([2, 0, 3, 1, -1, 0])
    column = pd.Series(coded_month_category(positions, days))
    expected = pd.Series(month_category(days.iloc[positions].where(positions >= 0)))
    pd.testing.assert_series_equal(column, expected)
    assert column.cat.categories.tolist() == ["2025-12", "2026-03"]
    assert column.isna().tolist() == [False, False, False, True, True, False]


def test_as_category_drops_unused_labels_and_sorts_labels_keeping_every_rows_text() -> None:
    unsorted = pd.Series(pd.Categorical(["z", "a", None, "z"], categories=["z", "unused", "a"]))
    tidy = as_category(unsorted)
    assert _is_tidy(tidy)
    assert tidy.cat.categories.tolist() == ["a", "z"]
    pd.testing.assert_series_equal(tidy.astype("str"), unsorted.astype("str"))
    filtered = as_category(pd.Series(["b", "a", "c"], dtype="str")).iloc[[0, 2]]
    assert as_category(filtered).cat.categories.tolist() == ["b", "c"]


def test_text_column_becomes_a_category_of_the_same_cells() -> None:
    text = pd.Series(["x", None, "a", "x"], dtype="str", name="note")
    column = as_category(text)
    assert _is_tidy(column) and column.name == "note"
    pd.testing.assert_series_equal(column.astype("str"), text)


def test_frames_of_different_labels_join_into_one_category_with_the_text_of_a_plain_join() -> None:
    first = pd.DataFrame({"file": constant_category("b.csv", 2), "line": [2, 3]})
    second = pd.DataFrame({"file": constant_category("a.csv", 1), "line": [2]})
    plain = pd.concat([decoded(first), decoded(second)], ignore_index=True)
    joined = concat_rows([first, second], consume=True)
    assert isinstance(joined["file"].dtype, pd.CategoricalDtype)
    assert _is_tidy(joined["file"])
    pd.testing.assert_frame_equal(decoded(joined), plain)
    assert first.columns.empty and second.columns.empty  # consumed column by column


def test_text_and_empty_parts_join_with_category_parts() -> None:
    categorical = pd.DataFrame({"kpi_id": constant_category("csat", 1)})
    text = pd.DataFrame({"kpi_id": pd.Series(["aht"], dtype=object)})
    empty = pd.DataFrame({"kpi_id": empty_category(2)})
    joined = concat_rows([categorical, text, empty])
    assert joined["kpi_id"].cat.categories.tolist() == ["aht", "csat"]
    assert joined["kpi_id"].tolist()[:2] == ["csat", "aht"]
    assert joined["kpi_id"].isna().tolist() == [False, False, True, True]
