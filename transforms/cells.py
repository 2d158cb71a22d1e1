"""Raw cells to typed columns, and the bookkeeping of rejected rows.

A raw frame is one input file's data rows as read (see ``partner_review.readers``):
string cells (``""`` when empty) or, from Parquet, float64 / datetime64 columns,
plus ``line``. Parsers here return a typed column and one mask per kind of fault,
so each transform says in its own words what is wrong and what to do.

Numbers (:func:`parse_numbers`):

* point files (comma or tab separated, XLSX, Parquet): a plain decimal number such as
  ``4.8``, ``-12``, ``.5`` or ``1.2e3``; no thousands separators.
* decimal-comma files (semicolon separated): ``4,80``; thousands grouped by a space
  (also a no-break or narrow no-break space) as in ``1 234,5``; thousands grouped by
  dots only when a decimal comma follows (``1.234,5``); a point decimal ``4.80`` unless
  it reads as a thousands group (``1.234`` or ``12.345.678`` are ambiguous, rejected).
* NaN, infinity and numbers too large for a float (``1e400``) are rejected.

Dates: ISO ``YYYY-MM-DD``; from Parquet, a date or a timestamp at midnight.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

REJECTED_COLUMNS = ["file", "line", "column", "value", "reason"]

_NAN_WORDS = ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
_SPACE_GROUPS = r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?$"
_DOT_GROUPS_COMMA = r"^[+-]?\d{1,3}(?:\.\d{3})+,\d+$"
_DOT_GROUPS_ONLY = r"^[+-]?\d{1,3}(?:\.\d{3})+$"
_PLAIN_NUMBER = r"^[+-]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][+-]?\d+)?$"
_ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}$"
_MONTH = r"^\d{4}-\d{2}$"


@dataclass(frozen=True)
class RawFrame:
    """One input file's rows as read: cells, ``line``, and whether numbers use a decimal comma."""

    file: str  # relative to the inputs folder, with '/'
    frame: pd.DataFrame
    decimal_comma: bool = False

    @property
    def rows(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class Numbers:
    """A column read as numbers: values (NaN where not a usable number) and fault masks."""

    values: pd.Series
    empty: pd.Series
    invalid: pd.Series  # not a number at all
    ambiguous: pd.Series  # thousands group or decimal point? (decimal-comma files)
    not_finite: pd.Series  # NaN, infinity, or beyond float range


@dataclass(frozen=True)
class Dates:
    """A column read as dates: values (NaT where empty or invalid) and fault masks."""

    values: pd.Series
    empty: pd.Series
    invalid: pd.Series


def text(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as stripped text; ``""`` where empty or where the file has no such column."""
    if name not in frame.columns:
        return pd.Series("", index=frame.index, dtype=str)
    column = frame[name]
    if pd.api.types.is_datetime64_any_dtype(column):
        shown = column.dt.strftime("%Y-%m-%d").astype(str)
        return shown.where(column.notna(), "")
    if pd.api.types.is_numeric_dtype(column):
        return column.map(_number_text).astype(str)
    return column.fillna("").astype(str).str.strip()


def optional_text(frame: pd.DataFrame, name: str) -> pd.Series:
    """A free-text column: stripped text, None where empty or absent."""
    cells = text(frame, name)
    return cells.astype(object).where(cells.ne(""), None)


def raw_text(frame: pd.DataFrame, name: str, mask: pd.Series) -> pd.Series:
    """The cells of ``mask`` rows as written (for rejected rows): text, never NaN."""
    if name not in frame.columns:
        return pd.Series("", index=frame.index[mask], dtype=object)
    if not _is_text(frame[name]):
        return text(frame.loc[mask], name).astype(object)
    return frame.loc[mask, name].fillna("").astype(str).astype(object)


def parse_numbers(frame: pd.DataFrame, name: str, decimal_comma: bool) -> Numbers:
    """One column as float64 (see the module docstring for what is accepted)."""
    if name in frame.columns and not _is_text(frame[name]):
        values = pd.to_numeric(frame[name], errors="coerce").astype(float)
        false = pd.Series(False, index=frame.index)
        empty = values.isna()
        not_finite = values.abs().eq(np.inf)
        return Numbers(values.where(~not_finite), empty, false, false, not_finite)
    if name not in frame.columns:
        false = pd.Series(False, index=frame.index)
        nothing = pd.Series(np.nan, index=frame.index, dtype=float)
        return Numbers(nothing, ~false, false, false, false)
    cells = text(frame, name)
    empty = cells.eq("")
    lowered = cells.str.lower()
    nan_word = lowered.isin(_NAN_WORDS)
    ambiguous = pd.Series(False, index=frame.index)
    if decimal_comma:
        cells, ambiguous = _decimal_comma_to_point(cells)
    plain = cells.str.match(_PLAIN_NUMBER) & ~ambiguous
    if not decimal_comma:
        plain &= ~cells.str.contains(",", regex=False)
    values = _to_float(cells, plain)
    infinite = values.abs().eq(np.inf)
    not_finite = nan_word | infinite
    invalid = ~empty & ~plain & ~nan_word & ~ambiguous
    return Numbers(values.where(plain & ~infinite), empty, invalid, ambiguous, not_finite)


def _to_float(cells: pd.Series, plain: pd.Series) -> pd.Series:
    """The ``plain`` cells as float64 (arrow's parser: fast on millions of rows), NaN elsewhere."""
    values = pd.Series(np.nan, index=cells.index, dtype=float)
    chosen = cells[plain]
    if chosen.empty:
        return values
    try:
        parsed = pc.cast(pa.array(chosen.astype(str), type=pa.string()), pa.float64())
        values[plain] = parsed.to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values[plain] = pd.to_numeric(chosen, errors="coerce").astype(float)
    return values


def _decimal_comma_to_point(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    space_groups = cells.str.match(_SPACE_GROUPS)
    dot_groups = cells.str.match(_DOT_GROUPS_COMMA)
    ambiguous = cells.str.match(_DOT_GROUPS_ONLY) & ~cells.str.contains(",", regex=False)
    cleaned = cells.where(~space_groups, cells.str.replace(r"[ \u00a0\u202f]", "", regex=True))
    cleaned = cleaned.where(~dot_groups, cleaned.str.replace(".", "", regex=False))
    both = cleaned.str.contains(",", regex=False) & cleaned.str.contains(".", regex=False)
    cleaned = cleaned.str.replace(",", ".", regex=False).where(~both, "x")
    return cleaned, ambiguous


def parse_dates(frame: pd.DataFrame, name: str) -> Dates:
    """One column as dates (datetime64, midnight); ISO ``YYYY-MM-DD`` text or Parquet dates."""
    if name in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[name]):
        values = frame[name]
        empty = values.isna()
        invalid = ~empty & (values.ne(values.dt.normalize()) | ~_in_ns_range(values))
        return Dates(values.where(~invalid).astype("datetime64[ns]"), empty, invalid)
    if name not in frame.columns:
        false = pd.Series(False, index=frame.index)
        return Dates(pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"), ~false, false)
    cells = text(frame, name)
    empty = cells.eq("")
    shaped = cells.str.match(_ISO_DATE)
    values = pd.to_datetime(cells.where(shaped, None), format="%Y-%m-%d", errors="coerce")
    values = values.where(_in_ns_range(values)).astype("datetime64[ns]")
    return Dates(values, empty, ~empty & values.isna())


def parse_months(cells: pd.Series) -> pd.Series:
    """``YYYY-MM`` text as the month's first day (NaT where not a month)."""
    shaped = cells.str.match(_MONTH)
    months = pd.to_datetime(
        cells.where(shaped, None).astype(object) + "-01", format="%Y-%m-%d", errors="coerce"
    )
    return months.where(_in_ns_range(months)).astype("datetime64[ns]")


def _in_ns_range(values: pd.Series) -> pd.Series:
    """Whether each date fits ``datetime64[ns]`` (1677-09-22 to 2262-04-11): a year such as
    0000 or 9999 parses (pandas keeps microseconds) but is no period of KPI data."""
    return values.between(pd.Timestamp.min, pd.Timestamp.max)


class Faults:
    """The first fault of each row of a frame: the column at fault and the reason."""

    def __init__(self, index: pd.Index) -> None:
        self.column = pd.Series(None, index=index, dtype=object)
        self.reason = pd.Series(None, index=index, dtype=object)

    def flag(self, mask: pd.Series, column: str, reason: str) -> None:
        """Record ``reason`` on ``column`` for the rows of ``mask`` not already at fault."""
        fresh = mask.fillna(False).astype(bool) & self.column.isna()
        self.column[fresh] = column
        self.reason[fresh] = reason

    @property
    def ok(self) -> pd.Series:
        return self.column.isna()

    def rejected(self, raw: pd.DataFrame, file: str | pd.Series) -> pd.DataFrame:
        """One row per faulty row: file, line, column, value as written, reason.

        ``file`` is the rows' file, or each row's file (on the index of ``raw`` or wider).
        """
        bad = ~self.ok
        columns = self.column[bad]
        values = pd.Series("", index=columns.index, dtype=object)
        for name in columns.unique():
            rows = columns.index[columns.eq(name)]
            mask = pd.Series(raw.index.isin(rows), index=raw.index)
            values[rows] = raw_text(raw, str(name), mask)
        return pd.DataFrame(
            {
                "file": file if isinstance(file, str) else file.loc[bad.index[bad]],
                "line": raw.loc[bad, "line"].astype("Int64"),
                "column": columns.where(columns.ne(""), None),
                "value": values,
                "reason": self.reason[bad],
            },
            columns=REJECTED_COLUMNS,
        )


def empty_rejected() -> pd.DataFrame:
    """A rejected-rows frame with no rows."""
    return pd.DataFrame(
        {
            "file": pd.Series(dtype=object),
            "line": pd.Series(dtype="Int64"),
            "column": pd.Series(dtype=object),
            "value": pd.Series(dtype=object),
            "reason": pd.Series(dtype=object),
        }
    )


def concat_rejected(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Rejected rows of several files, in the order given."""
    parts = [f for f in frames if not f.empty]
    if not parts:
        return empty_rejected()
    joined = pd.concat(parts, ignore_index=True)
    joined["line"] = joined["line"].astype("Int64")
    return joined


def known_list(names: Iterable[str], limit: int = 12) -> str:
    """``a, b, c`` (or the first ``limit`` and how many more) for 'use one of' hints."""
    ordered = sorted(names)
    shown = ", ".join(ordered[:limit])
    if len(ordered) > limit:
        shown += f" and {len(ordered) - limit} more"
    return shown or "(none configured)"


def flag_extra_cells(faults: Faults, raw: pd.DataFrame) -> None:
    """Rows with more cells than the header (CSV read by the slow path)."""
    if "_extra" in raw.columns:
        faults.flag(
            raw["_extra"].astype(str).ne(""),
            "_extra",
            "has more cells than the header; quote text that contains the separator "
            "or remove the extra separators",
        )


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def _number_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
