"""The repeated text columns of Observations held as pandas ``category`` (issue #7, memory).

An Observations frame has one row per kept observation row or survey answer: millions
of rows at scale, whose ``partner_id``, ``kpi_id``, ``month``, ``file`` and ``origin``
each take a few hundred distinct values at most, and whose optional ``source`` and
``note`` are mostly empty or repeated. As ``str`` every row holds its own text (an
8-byte offset and the text, about 40 bytes for a file path); as ``category`` a row
holds a small integer code into one copy of the distinct labels.

Every category column built here has its categories as ``str``, sorted in text order
(the order ``sort_values`` gives the labels) and each used by at least one row, so
ordering codes orders the labels, a frame's vocabulary is exactly its labels, and a
consumer that encodes keys (:mod:`transforms.codes`) gets the codes of the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

TEXT: Final = "str"
CATEGORY_COLUMNS = ("partner_id", "kpi_id", "month", "source", "note", "file", "origin")


def coded_category(codes: np.ndarray, labels: pd.Series | pd.Index) -> pd.Categorical:
    """Rows given as positions in ``labels`` (-1: empty) as a category of sorted labels.

    ``labels`` may repeat a label and hold empty cells (NaN): positions of those rows
    become the one category of the label, or an empty cell.
    """
    at, categories = pd.factorize(pd.Index(labels, dtype=TEXT), sort=True)
    lookup = np.append(at, -1)  # position -1 (an empty row) stays empty
    return pd.Categorical.from_codes(lookup[np.asarray(codes)], _text(categories))


def constant_category(value: str, rows: int) -> pd.Categorical:
    """``value`` on ``rows`` rows, as a category of one label."""
    return pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), _text([value]))


def month_category(days: pd.Series) -> pd.Categorical:
    """``YYYY-MM`` of each date (empty where NaT), labelled once per distinct date."""
    codes, distinct = pd.factorize(days.to_numpy(dtype="datetime64[ns]"))
    return coded_month_category(codes, distinct)


def coded_month_category(codes: np.ndarray, days: Any) -> pd.Categorical:
    """Rows given as positions in ``days`` (-1: empty): the ``YYYY-MM`` of their date as a
    category (empty where NaT), labelled once per position."""
    months = np.asarray(days, dtype="datetime64[ns]").astype("datetime64[M]")
    labels = pd.Index(np.datetime_as_string(months, unit="M"), dtype=TEXT)
    return coded_category(codes, labels.where(~np.isnat(months)))


def empty_category(rows: int) -> pd.Categorical:
    """``rows`` empty cells, as a category of no label."""
    return pd.Categorical.from_codes(np.full(rows, -1, dtype=np.int8), _text([]))


def as_category(column: pd.Series) -> pd.Series:
    """``column`` as a category of sorted, used ``str`` labels (no copy of the text)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        codes, labels = pd.factorize(column.astype(TEXT), sort=True)
        return _series(pd.Categorical.from_codes(codes, _text(labels)), column)
    values = column.array
    if values.categories.dtype != TEXT or not values.categories.is_monotonic_increasing:
        return as_category(pd.Series(values.astype(TEXT), index=column.index, name=column.name))
    codes = values.codes
    used = np.bincount(codes[codes >= 0], minlength=len(values.categories)) > 0
    if used.all():
        return column
    # pandas' remove_unused_categories does this too, but through a hash table of the codes
    renumbered = np.append(np.cumsum(used) - 1, -1)
    return _series(pd.Categorical.from_codes(renumbered[codes], values.categories[used]), column)


def concat_column(parts: Sequence[pd.Series]) -> pd.Series:
    """The parts one after the other, with a fresh index: a category column stays one
    (categories joined and sorted), any other column as ``pd.concat`` joins it."""
    if not any(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
        return pd.concat(list(parts), ignore_index=True)
    values = [as_category(p).array for p in parts]
    joined = union_categoricals(values, sort_categories=True)
    return pd.Series(joined, name=parts[0].name if parts else None)


def concat_rows(frames: Sequence[pd.DataFrame], consume: bool = False) -> pd.DataFrame:
    """The frames' rows one after the other (fresh index), category columns kept as such.

    The frames must have the same columns in the same order. With ``consume`` each column
    is removed from the frames once joined, so the peak memory is the frames and one
    joined column, not twice the frames.
    """
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    columns = list(frames[0].columns)
    joined = pd.DataFrame(index=pd.RangeIndex(sum(len(f) for f in frames)))
    for name in columns:
        joined[name] = concat_column([f[name] for f in frames]).array
        if consume:
            for frame in frames:
                del frame[name]
    return joined


def _series(values: pd.Categorical, like: pd.Series) -> pd.Series:
    return pd.Series(values, index=like.index, name=like.name)


def _text(labels: Any) -> pd.Index:
    return pd.Index(labels, dtype=TEXT)
