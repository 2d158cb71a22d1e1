from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transforms.codes import (
    categorized,
    decoded,
    distinct_codes,
    encode,
    factorize_sorted,
    factorized,
    group_max,
    month_ordinals,
    positions,
    text_values,
)


@pytest.mark.parametrize("dtype", ["object", "str", "string[pyarrow]", "category"])
def test_categorized_then_decoded_gives_the_text_back(dtype: str) -> None:
    frame = pd.DataFrame({"key": pd.Series(["b", None, "a", "b"], dtype=dtype), "n": [1, 2, 3, 4]})
    coded = categorized(frame, ["key"])
    assert list(coded["key"].cat.categories) == ["a", "b"]
    assert list(coded["key"].cat.codes) == [1, -1, 0, 1]
    back = decoded(coded)
    assert back["key"].dtype == "str"
    assert back["key"].tolist()[0::2] == ["b", "a"] and pd.isna(back["key"].iloc[1])
    assert back["n"].tolist() == [1, 2, 3, 4]


def test_factorize_sorted_reorders_unsorted_or_unused_categories() -> None:
    column = pd.Series(pd.Categorical(["b", "a", "b"], categories=["z", "b", "a"]))
    codes, labels = factorize_sorted(column)
    assert list(labels) == ["a", "b"]
    assert codes.tolist() == [1, 0, 1]


def test_distinct_codes_equal_numpy_unique_dense_or_sparse() -> None:
    codes = np.array([5, -1, 3, 5, 0, 3])
    assert distinct_codes(codes, 8).tolist() == [0, 3, 5]
    assert distinct_codes(codes, 10**9).tolist() == [0, 3, 5]


@pytest.mark.parametrize("size", [8, 10**9], ids=["table", "search"])
def test_positions_find_each_code_or_minus_one(size: int) -> None:
    found = positions(np.array([1, 4, 6]), np.array([6, 2, -1, 1, 4, 7]), size)
    assert found.tolist() == [2, -1, -1, 0, 1, -1]


def test_month_ordinals_of_category_and_text_agree() -> None:
    labels = ["2026-07", "2025-12", "2026-07"]
    text = month_ordinals(pd.Series(labels))
    category = month_ordinals(pd.Series(labels, dtype="category"))
    assert text.tolist() == category.tolist()
    assert text[0] - text[1] == 7


def test_group_max_gives_each_present_code_its_largest_value_dense_or_sparse() -> None:
    codes = np.array([3, 1, 3, 1, 7], dtype=np.int64)
    values = np.array([5, -2, 9, np.iinfo(np.int64).min, 4], dtype=np.int64)
    for size in (8, 10**9):  # a dense table, then a group-by (table too large)
        seen, largest = group_max(codes, values, size)
        assert seen.tolist() == [1, 3, 7]
        assert largest.tolist() == [-2, 9, 4]


@pytest.mark.parametrize("dtype", ["object", "str", "category"])
def test_text_values_are_the_labels_as_str_objects_nan_where_empty(dtype: str) -> None:
    column = pd.Series(["b", None, "a", "b"], dtype=dtype)
    got = text_values(column)
    expected = column.astype(str).to_numpy()
    assert got.dtype == object and expected.dtype == object
    assert [type(v) for v in got] == [str, float, str, str]
    assert list(got[[0, 2, 3]]) == ["b", "a", "b"] and np.isnan(got[1])


def test_encode_with_the_columns_own_categories_or_another_vocabulary() -> None:
    column = pd.Series(["b", None, "a"], dtype="category")
    assert list(encode(column, pd.Index(["a", "b"], dtype="str"))) == [1, -1, 0]
    assert list(encode(column, pd.Index(["a", "b", "c"], dtype="str"))) == [1, -1, 0]
    assert list(encode(column, pd.Index(["b", "c"], dtype="str"))) == [0, -1, -1]


def test_categorized_keeps_a_column_already_coded_with_its_vocabulary() -> None:
    frame = categorized(pd.DataFrame({"key": ["b", "a", "b"]}), ["key"])
    again = categorized(frame, ["key"])
    codes = again["key"].array.codes, frame["key"].array.codes  # type: ignore[attr-defined]
    assert np.shares_memory(*codes)  # not coded again
    pd.testing.assert_frame_equal(again, frame)


def test_codes_at_hand_are_taken_instead_of_factorizing_the_column_again() -> None:
    frame = pd.DataFrame({"k": ["b", "a", "b"], "other": ["x", "y", "x"]})
    known = {"k": factorize_sorted(frame["k"])}
    assert factorized(frame, "k", known) is known["k"]
    assert factorized(frame, "other", known)[0].tolist() == [0, 1, 0]
    pd.testing.assert_frame_equal(
        categorized(frame, ["k", "other"], known), categorized(frame, ["k", "other"])
    )
    assert categorized(frame, ["k"], known)["k"].cat.codes.tolist() == [1, 0, 1]
