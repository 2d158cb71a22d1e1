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

Checks that read several columns of a row (a period's start, end and shorthand) can
run once per distinct combination of those columns' cells (:func:`combine`): a check
that depends on its row's cells alone gives each row what it gives the row's
combination. :class:`MaskSink` keeps their fault masks per combination, and
:meth:`Combos.replay` hands them to the row sink in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Protocol, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from transforms.cells import Dates, Faults, Numbers, optional_text, parse_dates, parse_numbers, text
from transforms.plain_numbers import plain_numbers

_Parsed = TypeVar("_Parsed", Numbers, Dates)
_DENSE_KEYS = 1 << 22  # combinations numbered through a table of this many flags at most


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

    def extend(self, later: RowFaults) -> None:
        """Take on the checks of ``later`` (flagged on the same rows) as if they had been
        flagged here after this sink's own, in their order."""
        self._checks.extend(later._checks)
        self._any |= later._any

    @property
    def ok(self) -> pd.Series:
        return pd.Series(~self._any, index=self._index)

    def rejected(self, raw: pd.DataFrame, file: str | pd.Series) -> pd.DataFrame:
        """One row per faulty row: file (one for all, or per row), line, column, value, reason."""
        at_fault = np.flatnonzero(self._any)
        # no row at fault (the usual case): a slice, not a take of every column's cells
        bad = raw.iloc[at_fault] if len(at_fault) else raw.iloc[:0]
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
    """:func:`transforms.cells.parse_numbers`: in one pass when every cell is plain
    (:func:`transforms.plain_numbers.plain_numbers`), else parsed once per distinct cell."""
    plain = plain_numbers(frame[name], decimal_comma) if name in frame.columns else None
    if plain is not None:
        return plain
    return _parsed_per_distinct(
        frame, name, lambda values: parse_numbers(values, name, decimal_comma)
    )


def column_dates(frame: pd.DataFrame, name: str) -> Dates:
    """:func:`transforms.cells.parse_dates`, parsed once per distinct cell."""
    return _parsed_per_distinct(frame, name, lambda values: parse_dates(values, name))


def coded_dates(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, Dates]:
    """(each row's code, :func:`transforms.cells.parse_dates` of each code's cell)."""
    return _coded(frame, name, lambda values: parse_dates(values, name))


def coded_column_text(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, pd.Series]:
    """(each row's code, :func:`transforms.cells.text` of each code's cell)."""
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=np.intp), text(pd.DataFrame(index=pd.RangeIndex(1)), name)
    coded = coded_text(frame, name)
    return coded.codes, coded.distinct.reset_index(drop=True)


class MaskSink:
    """A FaultSink for checks run on combinations: each check's mask, in order."""

    def __init__(self) -> None:
        self.checks: list[tuple[np.ndarray, str, str]] = []

    def flag(self, mask: pd.Series, column: str, reason: str) -> None:
        """Keep ``mask`` (NaN as False) for ``column`` and ``reason``."""
        self.checks.append((np.asarray(mask.fillna(False), dtype=bool), column, reason))


@dataclass(frozen=True)
class Combos:
    """The distinct combinations of several coded columns of a frame's rows."""

    codes: np.ndarray  # one per row: its combination
    parts: tuple[np.ndarray, ...]  # one per column: each combination's code in it
    index: pd.Index  # the rows'

    def __len__(self) -> int:
        return len(self.parts[0]) if self.parts else min(1, len(self.index))

    def at(self, part: int, per_code: _Parsed) -> _Parsed:
        """Numbers or Dates per code of column ``part``, on the combinations."""
        return pick(per_code, self.parts[part])

    def series_at(self, part: int, per_code: pd.Series) -> pd.Series:
        """A Series per code of column ``part``, on the combinations."""
        return spread(per_code, self.parts[part], pd.RangeIndex(len(self.parts[part])))

    def spread(self, per_combo: pd.Series) -> pd.Series:
        """A result worked out on the combinations, on every row."""
        return spread(per_combo, self.codes, self.index)

    def replay(self, checks: MaskSink, faults: FaultSink) -> None:
        """The checks' masks, in order, on every row (checks that hit nothing are skipped)."""
        for hit, column, reason in checks.checks:
            if hit.any():
                faults.flag(pd.Series(hit[self.codes], index=self.index), column, reason)


def pick(per_code: _Parsed, positions: np.ndarray, index: pd.Index | None = None) -> _Parsed:
    """Numbers or Dates at ``positions``, on ``index`` (a RangeIndex when not given)."""
    index = pd.RangeIndex(len(positions)) if index is None else index
    rows = {f.name: spread(getattr(per_code, f.name), positions, index) for f in fields(per_code)}
    return type(per_code)(**rows)


def combine(codes: Sequence[np.ndarray], index: pd.Index) -> Combos:
    """The distinct combinations of the rows' codes (one array per column, codes 0 and up).

    Columns are folded in one at a time: (combination so far, code) numbered densely
    while their product is small, by hashing otherwise.
    """
    rows = np.zeros(len(index), dtype=np.int64)
    count = min(1, len(index))
    parts: list[np.ndarray] = []
    for column in codes:
        size = int(column.max()) + 1 if len(column) else 0
        if size <= 1:  # one code on every row: nothing to tell apart
            parts.append(np.zeros(count, dtype=np.intp))
            continue
        key = rows * size + column if count > 1 else np.asarray(column, dtype=np.int64)
        rows, seen = _number_keys(key, count * size)
        parts = [part[seen // size] for part in parts] + [seen % size]
        count = len(seen)
    return Combos(rows.astype(np.intp, copy=False), tuple(parts), index)


def _number_keys(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(each key's number 0..k-1, the k distinct keys) for keys in 0..size-1."""
    if size > _DENSE_KEYS:
        numbers, seen = pd.factorize(key)
        return numbers.astype(np.int64, copy=False), np.asarray(seen, dtype=np.int64)
    present = np.zeros(size, dtype=bool)
    present[key] = True
    seen = np.flatnonzero(present)
    if len(seen) == size:
        return key, seen
    return (np.cumsum(present) - 1)[key], seen


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
    return pick(parse(distinct), codes, frame.index)


def _coded(
    frame: pd.DataFrame, name: str, parse: Callable[[pd.DataFrame], _Parsed]
) -> tuple[np.ndarray, _Parsed]:
    """Codes and results per code: distinct cells of text, the rows of typed, one if absent."""
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=np.intp), parse(pd.DataFrame(index=pd.RangeIndex(1)))
    if not _is_text(frame[name]):
        return np.arange(len(frame)), parse(frame)
    codes, distinct = _distinct_cells(frame, name)
    return codes, parse(distinct)


def _distinct_cells(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, pd.DataFrame]:
    """(each row's position among the distinct cells, a frame of the distinct cells)."""
    codes, distinct = distinct_values(frame[name])
    return codes, pd.DataFrame({name: distinct})
