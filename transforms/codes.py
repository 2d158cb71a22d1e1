"""Integer codes for the text keys of frames (partner_id, kpi_id, period labels).

The engine groups, joins and sorts frames of up to millions of rows by these keys, so it
works on integer codes rather than on text. A key column may arrive as object, the
default ``str`` dtype, ``string[pyarrow]`` or ``category``; whatever it is, a
*vocabulary* is the sorted distinct labels (as ``str``, in Python string order, the order
``sort_values`` gives text) and a code is a label's position in it (-1 for an empty
cell), so ordering codes orders the labels and two columns encoded with one vocabulary
can be compared code for code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, TypeAlias

import numpy as np
import pandas as pd

TEXT: Final = "str"
Factorized: TypeAlias = tuple[np.ndarray, pd.Index]  # codes (int64, -1: empty), vocabulary


def factorize_sorted(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``column`` (int64, -1 where empty) and its vocabulary."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        # empty cells (-1) count in the first bin, dropped: no boolean copy of the codes
        present = np.bincount(codes + 1, minlength=len(column.cat.categories) + 1)[1:] > 0
        labels = _text_index(column.cat.categories)
        if present.all() and labels.is_monotonic_increasing:  # as categorized() leaves it
            return codes, labels
        vocabulary = labels[present].sort_values()
        return encode(column, vocabulary), vocabulary
    codes, uniques = pd.factorize(column, sort=True)
    vocabulary = _text_index(uniques)
    if not vocabulary.is_monotonic_increasing:  # a dtype whose order is not text order
        return encode(column, vocabulary.sort_values()), vocabulary.sort_values()
    return codes.astype(np.int64), vocabulary


def factorized(
    frame: pd.DataFrame, name: str, known: Mapping[str, Factorized] | None = None
) -> Factorized:
    """:func:`factorize_sorted` of ``frame[name]``, or the one of it in ``known`` (computed
    once by the caller for several steps over the same rows)."""
    if known is not None and name in known:
        return known[name]
    return factorize_sorted(frame[name])


def categorized(
    frame: pd.DataFrame, columns: Sequence[str], known: Mapping[str, Factorized] | None = None
) -> pd.DataFrame:
    """``frame`` with each of ``columns`` as a ``category`` column whose categories are its
    vocabulary (so every later factorization reads the codes instead of the text);
    ``known``: :func:`factorize_sorted` of some of the columns, already at hand."""
    coded = {}
    for name in columns:
        codes, labels = factorized(frame, name, known)
        if _coded_as(frame[name], labels):
            continue  # already these codes and categories: kept as it is
        coded[name] = pd.Categorical.from_codes(codes, categories=labels)
    return frame.assign(**coded)


def _coded_as(column: pd.Series, labels: pd.Index) -> bool:
    """Whether ``column`` is an unordered ``category`` column whose categories are
    ``labels`` (same dtype and order), as :func:`categorized` would make it."""
    if not isinstance(column.dtype, pd.CategoricalDtype) or column.cat.ordered:
        return False
    categories = column.cat.categories
    return categories.dtype == labels.dtype and categories.equals(labels)


def decoded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each ``category`` column back as text (``str``)."""
    text: dict[str, pd.Series] = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            labels = _text_index(column.cat.categories)
            codes = column.cat.codes.to_numpy()
            text[str(name)] = pd.Series(decode(codes, labels), index=frame.index)
    return frame.assign(**text) if text else frame


def vocabulary(*columns: pd.Series | pd.Index) -> pd.Index:
    """The sorted distinct labels of every column given."""
    parts = []
    for column in columns:
        if isinstance(column.dtype, pd.CategoricalDtype):
            parts.append(_text_index(pd.Series(column).cat.categories))
        else:
            parts.append(_text_index(pd.unique(pd.Series(column).dropna())))
    if not parts:
        return _text_index([])
    joined = parts[0].append(parts[1:]) if len(parts) > 1 else parts[0]
    return joined.unique().sort_values()


def encode(column: pd.Series | pd.Index, vocabulary: pd.Index) -> np.ndarray:
    """The position of each label of ``column`` in ``vocabulary`` (-1: empty or absent)."""
    series = pd.Series(column)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        uniques = series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
        codes = codes.astype(np.int64)
    labels = _text_index(uniques)
    if labels.equals(vocabulary):  # coded with this vocabulary already
        return codes
    lookup = np.append(vocabulary.get_indexer(labels), -1).astype(np.int64)
    return lookup[codes]


def _dense(size: int, rows: int) -> bool:
    """Whether a table with one cell per possible code is cheaper than sorting ``rows``."""
    return size <= max(4 * rows, 1 << 16)


def distinct_codes(codes: np.ndarray, size: int) -> np.ndarray:
    """The sorted distinct codes of ``codes`` in [0, size) (``np.unique`` of them)."""
    wanted = codes[(codes >= 0) & (codes < size)]
    if not _dense(size, len(wanted)):
        return np.unique(wanted)
    seen = np.zeros(size, dtype=bool)
    seen[wanted] = True
    return np.flatnonzero(seen)


def positions(sorted_codes: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """The position of each of ``codes`` in ``sorted_codes`` (distinct, all in [0, size));
    -1 where it is absent or negative."""
    if _dense(size, len(codes)):
        table = np.full(size + 1, -1, dtype=np.int64)
        table[sorted_codes] = np.arange(len(sorted_codes))
        return table[np.where((codes >= 0) & (codes < size), codes, size)]
    at = np.searchsorted(sorted_codes, codes)
    found = (codes >= 0) & (at < len(sorted_codes))
    found[found] = sorted_codes[at[found]] == codes[found]
    return np.where(found, at, -1)


def group_max(codes: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct codes of ``codes`` (all in [0, size)) and the largest of
    ``values`` (int64) per code."""
    if not _dense(size, len(codes)):
        largest = pd.Series(values).groupby(codes, sort=True).max()
        return largest.index.to_numpy(dtype=np.int64), largest.to_numpy(dtype=np.int64)
    table = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(table, codes, values)
    seen = np.flatnonzero(np.bincount(codes, minlength=size) > 0)
    return seen, table[seen]


def decode(codes: np.ndarray, vocabulary: pd.Index) -> pd.api.extensions.ExtensionArray:
    """The labels of ``codes`` as a ``str`` array (missing where the code is -1)."""
    labels = pd.array(vocabulary.to_numpy(dtype=object), dtype=TEXT)
    return labels.take(np.asarray(codes), allow_fill=True)


def text_values(column: pd.Series) -> np.ndarray:
    """``column.astype(str).to_numpy()``: the labels as an object array of ``str`` (NaN
    where empty), read from the categories and codes of a ``category`` column."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return column.astype(TEXT).to_numpy()
    labels = _text_index(column.cat.categories).to_numpy(dtype=object)
    return np.append(labels, np.array([np.nan], dtype=object))[column.cat.codes.to_numpy()]


def month_ordinals(labels: pd.Series | np.ndarray | list[str]) -> np.ndarray:
    """``YYYY-MM`` labels as pandas monthly Period ordinals (consecutive integers)."""
    series = pd.Series(labels)
    if isinstance(series.dtype, pd.CategoricalDtype):  # the categories, then their codes
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
    ordinals = pd.PeriodIndex([str(u) for u in uniques], freq="M").asi8
    return np.asarray(ordinals, dtype=np.int64)[codes]


def _text_index(values: object) -> pd.Index:
    return pd.Index(pd.Series(values, dtype=object).astype(TEXT), dtype=TEXT)
