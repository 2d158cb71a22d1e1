"""Checking millions of raw rows: each distinct cell parsed once, faults settled once.

Observation and survey files repeat a few partner ids, KPI ids, periods and counts on
millions of rows. The parsers of :mod:`transforms.cells` are cell by cell (a cell's
result depends on that cell alone), so here they run on each text column's distinct
cells and their results are spread back to the rows: the same Series, index and dtypes
as parsing every row. Typed columns (from Parquet) and absent columns go to the parsers
unchanged.

:class:`RowFaults` has the interface of :class:`transforms.cells.Faults` but only keeps
each check's mask: the first fault of a row is settled at the end, for the faulty rows
only, by replaying the checks in order through ``Faults``, so the rejected rows are the
same while a clean file costs one ``or`` per check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Protocol, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from transforms.cells import Dates, Faults, Numbers, optional_text, parse_dates, parse_numbers, text

_Parsed = TypeVar("_Parsed", Numbers, Dates)


class FaultSink(Protocol):
    """Where checks report rows at fault: :class:`transforms.cells.Faults` or RowFaults."""

    def flag(self, mask: pd.Series, column: str, reason: str) -> None: ...


class RowFaults:
    """The first fault of each row of a frame, settled once every check has flagged."""

    def __init__(self, index: pd.Index) -> None:
        self._index = index
        self._checks: list[tuple[np.ndarray, str, str]] = []
        self._any = np.zeros(len(index), dtype=bool)

    def flag(self, mask: pd.Series, column: str, reason: str) -> None:
        """Record ``reason`` on ``column`` for the rows of ``mask`` not already at fault."""
        hit = np.asarray(mask.fillna(False), dtype=bool)
        if hit.any():
            self._checks.append((hit, column, reason))
            self._any |= hit

    @property
    def ok(self) -> pd.Series:
        return pd.Series(~self._any, index=self._index)

    def rejected(self, raw: pd.DataFrame, file: str) -> pd.DataFrame:
        """One row per faulty row: file, line, column, value as written, reason."""
        bad = raw.iloc[np.flatnonzero(self._any)]
        first = Faults(bad.index)
        for hit, column, reason in self._checks:
            first.flag(pd.Series(hit[self._any], index=bad.index), column, reason)
        return first.rejected(bad, file)


@dataclass(frozen=True)
class CodedText:
    """A text column as :func:`transforms.cells.text` of each distinct cell and row codes."""

    codes: np.ndarray  # one per row: its position in ``distinct``
    distinct: pd.Series  # the stripped text of each distinct cell
    index: pd.Index  # the rows'

    def rows(self) -> pd.Series:
        """The text of every row."""
        return spread(self.distinct, self.codes, self.index)

    def spread(self, per_distinct: pd.Series) -> pd.Series:
        """A result worked out on ``distinct`` (e.g. a mask), on every row."""
        return spread(per_distinct, self.codes, self.index)

    def lookup(self, mapping: dict[str, str]) -> pd.Series:
        """``mapping`` of every row's text as a categorical (NaN where unmapped)."""
        mapped = self.distinct.astype(object).map(mapping)
        categories = pd.Index(mapped.dropna().unique(), dtype="str")
        per_distinct = categories.get_indexer(mapped)
        codes = per_distinct[self.codes]
        return pd.Series(pd.Categorical.from_codes(codes, categories), index=self.index)


def coded_text(frame: pd.DataFrame, name: str) -> CodedText:
    """A column as text (see :func:`transforms.cells.text`), parsed once per distinct cell."""
    if name in frame.columns and _is_text(frame[name]):
        codes, distinct = _distinct_cells(frame, name)
        return CodedText(codes, text(distinct, name), frame.index)
    codes, distinct_text = distinct_values(text(frame, name))
    return CodedText(codes, distinct_text, frame.index)


def column_text(frame: pd.DataFrame, name: str) -> pd.Series:
    """:func:`transforms.cells.text`, parsed once per distinct cell."""
    return _per_distinct(frame, name, lambda values: text(values, name))


def constant_text(value: str | None, index: pd.Index) -> pd.Series:
    """``value`` (NaN for None) on every row of ``index``, as ``str``."""
    cells = pa.nulls(len(index), pa.string()) if value is None else pa.repeat(value, len(index))
    return pd.Series(cells.to_pandas(), dtype="str").set_axis(index)


def column_optional_text(frame: pd.DataFrame, name: str) -> pd.Series:
    """:func:`transforms.cells.optional_text` as ``str`` (NaN where empty or absent)."""
    if name not in frame.columns:
        return constant_text(None, frame.index)
    return _per_distinct(frame, name, lambda values: optional_text(values, name)).astype("str")


def column_numbers(frame: pd.DataFrame, name: str, decimal_comma: bool) -> Numbers:
    """:func:`transforms.cells.parse_numbers`, parsed once per distinct cell."""
    return _parsed_per_distinct(
        frame, name, lambda values: parse_numbers(values, name, decimal_comma)
    )


def column_dates(frame: pd.DataFrame, name: str) -> Dates:
    """:func:`transforms.cells.parse_dates`, parsed once per distinct cell."""
    return _parsed_per_distinct(frame, name, lambda values: parse_dates(values, name))


def month_text(days: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each date as ``str`` (NaN where NaT), formatted once per date."""
    codes, distinct = pd.factorize(days.to_numpy(dtype="datetime64[ns]"), use_na_sentinel=False)
    months = np.asarray(distinct).astype("datetime64[M]")
    labels = pd.Series(np.datetime_as_string(months, unit="M"), dtype="str")
    return spread(labels.where(~np.isnat(months)), codes, days.index)


def month_index(days: pd.Series) -> np.ndarray:
    """Each date's month (``datetime64[M]``, NaT where NaT), worked out once per date."""
    codes, distinct = pd.factorize(days.to_numpy(dtype="datetime64[ns]"), use_na_sentinel=False)
    return np.asarray(distinct).astype("datetime64[M]")[codes]


def distinct_values(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(each row's position among the distinct values, the distinct values in a Series)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(distinct, dtype=values.dtype)


def spread(parsed: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A result per distinct value back on the rows: the value at each row's code."""
    if isinstance(parsed.dtype, np.dtype):
        return pd.Series(parsed.to_numpy()[codes], index=index, name=parsed.name)
    return pd.Series(parsed.array.take(codes), index=index, name=parsed.name)


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def _per_distinct(
    frame: pd.DataFrame, name: str, parse: Callable[[pd.DataFrame], pd.Series]
) -> pd.Series:
    if name not in frame.columns or not _is_text(frame[name]):
        return parse(frame)
    codes, distinct = _distinct_cells(frame, name)
    return spread(parse(distinct), codes, frame.index)


def _parsed_per_distinct(
    frame: pd.DataFrame, name: str, parse: Callable[[pd.DataFrame], _Parsed]
) -> _Parsed:
    if name not in frame.columns or not _is_text(frame[name]):
        return parse(frame)
    codes, distinct = _distinct_cells(frame, name)
    parsed = parse(distinct)
    rows = {f.name: spread(getattr(parsed, f.name), codes, frame.index) for f in fields(parsed)}
    return type(parsed)(**rows)


def _distinct_cells(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, pd.DataFrame]:
    """(each row's position among the distinct cells, a frame of the distinct cells)."""
    codes, distinct = distinct_values(frame[name])
    return codes, pd.DataFrame({name: distinct})
