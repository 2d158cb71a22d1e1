"""The duplicate rule (SPEC §3): one kept observation per partner, KPI, period_start and end.

Among rows with the same key, the row from the file whose path sorts last wins, and
within one file the last line; every other row is superseded, with reason ``same
values`` (it was kept once) or ``different values`` (it was replaced).

Rows may carry their key as one int64 in a column ``_key`` (see :func:`row_keys`):
comparing one number per row is much cheaper than four columns, two of them text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

KEY = ["partner_id", "kpi_id", "period_start", "period_end"]
VALUES = ["numerator", "denominator", "value"]
ROW_KEY = "_key"
SUPERSEDED_COLUMNS = [
    "file",
    "line",
    "partner_id",
    "kpi_id",
    "period_start",
    "period_end",
    "kept_file",
    "kept_line",
    "reason",
]
_DAY_BITS = 18  # days from 1970 of any datetime64[ns] fit in ±2**17
_LENGTH_BITS = 5
_PERIOD_BITS = _DAY_BITS + _LENGTH_BITS
_NS_PER_DAY = 86_400 * 10**9  # a row lies inside one month: end - start is 0-30 days


def row_keys(
    partner: np.ndarray, kpi: np.ndarray, kpi_count: int, start: pd.Series, end: pd.Series
) -> np.ndarray | None:
    """The key of rows as one int64, or None when the catalog is too large for it.

    ``partner`` and ``kpi`` are each row's position in the catalog, ``start`` and
    ``end`` its period (dates in one month, ``end`` not before ``start``).
    """
    pair = _pairs(partner, kpi, kpi_count)
    return None if pair is None else (pair << _PERIOD_BITS) + _period_keys(start, end)


def coded_row_keys(
    partner: tuple[np.ndarray, np.ndarray],
    kpi: tuple[np.ndarray, np.ndarray],
    kpi_count: int,
    period: np.ndarray,
    periods: tuple[pd.Series, pd.Series],
) -> np.ndarray | None:
    """:func:`row_keys` of rows given by codes: ``partner`` and ``kpi`` are (each row's
    code, each code's position in the catalog), ``period`` each row's position in the
    ``(start, end)`` of ``periods``. Each part of the key is worked out once per code (a
    few hundred partners and KPIs, a few thousand periods for millions of rows), then
    the rows' keys are three takes and two sums."""
    (partner_codes, partner_at), (kpi_codes, kpi_at) = partner, kpi
    if (int(partner_at.max(initial=0)) + 1) * kpi_count >= 1 << (63 - _PERIOD_BITS):
        return None
    partner_part = (partner_at.astype(np.int64) * kpi_count) << _PERIOD_BITS
    kpi_part = kpi_at.astype(np.int64) << _PERIOD_BITS
    return partner_part[partner_codes] + kpi_part[kpi_codes] + _period_keys(*periods)[period]


def _pairs(partner: np.ndarray, kpi: np.ndarray, kpi_count: int) -> np.ndarray | None:
    """Each row's partner × KPI number, or None when they are too many for a key."""
    pairs = int(partner.max(initial=0) + 1) * kpi_count
    if pairs >= 1 << (63 - _PERIOD_BITS):
        return None
    return partner.astype(np.int64) * kpi_count + kpi


def _period_keys(start: pd.Series, end: pd.Series) -> np.ndarray:
    """The period's part of a key: its first day, then its length in days."""
    first, last = _days(start), _days(end)
    return (first + (1 << (_DAY_BITS - 1)) << _LENGTH_BITS) + (last - first)


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of dates at midnight."""
    return dates.to_numpy(dtype="datetime64[ns]").view(np.int64) // _NS_PER_DAY


def duplicate_rule(rows: pd.DataFrame) -> tuple[np.ndarray | None, pd.DataFrame]:
    """(positions in ``rows`` of the rows kept, in file order; Superseded).

    The positions are None when every row is kept, already in file order. The kept rows
    are not copied here: :func:`kept_rows` takes them, column by column.
    """
    if rows.empty:
        return None, empty_superseded()
    _release_unused()
    order = _file_order(rows)
    if ROW_KEY in rows.columns:
        in_order = _in_order(rows[ROW_KEY].to_numpy(), order)
        if not _repeats(in_order):  # the usual case: a sort tells it at a fifth of a hash's cost
            return order, empty_superseded()
        keys = pd.Series(in_order)
        loser = keys.duplicated(keep="last").to_numpy()
    else:
        keys = None
        key_rows = rows[KEY] if order is None else rows[KEY].iloc[order]
        loser = key_rows.duplicated(keep="last").to_numpy()
        del key_rows
    positions = np.arange(len(rows)) if order is None else order
    if not loser.any():
        return order, empty_superseded()
    winner_at, loser_at = positions[~loser], positions[loser]
    if keys is None:
        winners = rows[KEY].iloc[winner_at]
        replaced = winners.set_index(KEY).index.isin(rows[KEY].iloc[loser_at].set_index(KEY).index)
    else:
        replaced = keys[~loser].isin(keys[loser]).to_numpy()
    return winner_at, _superseded(rows.iloc[loser_at], rows.iloc[winner_at[replaced]])


def _repeats(keys: np.ndarray) -> bool:
    """Whether any key is on more than one row."""
    ordered = np.sort(keys)
    return bool((ordered[1:] == ordered[:-1]).any())


def kept_rows(rows: pd.DataFrame, kept: np.ndarray | None, consume: bool = False) -> pd.DataFrame:
    """The rows at positions ``kept`` (all when None) without ``_key``, with a fresh index.

    With ``consume``, each column is removed from ``rows`` once taken, so the peak memory
    is that of ``rows`` and one column, not two frames (millions of rows).
    """
    if kept is None:
        return rows.drop(columns=ROW_KEY, errors="ignore").reset_index(drop=True)
    _release_unused()
    taken = pd.DataFrame(index=pd.RangeIndex(len(kept)))
    for name in [c for c in rows.columns if c != ROW_KEY]:
        column = rows.pop(name) if consume else rows[name]
        if isinstance(column.dtype, pd.StringDtype):
            # through its distinct values: the text is freed before the copy is made, and a
            # column of many chunks (one per file) is not joined into one copy first
            dtype = column.dtype
            codes, distinct = pd.factorize(column)
            del column
            _release_unused()
            taken[name] = pd.Series(distinct.array.take(codes[kept], allow_fill=True), dtype=dtype)
            del codes
        else:
            taken[name] = column.take(kept).reset_index(drop=True)
            del column
        _release_unused()
    return taken


def _release_unused() -> None:
    """Give the memory of freed text columns back now (arrow's pool keeps it a while)."""
    pa.default_memory_pool().release_unused()


def _superseded(losers: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """Superseded rows: each loser paired with the kept row of its key."""
    paired = losers.merge(kept[[*KEY, "file", "line", *VALUES]], on=KEY, suffixes=("", "_kept"))
    same = pd.Series(True, index=paired.index)
    for name in VALUES:
        a, b = paired[name], paired[f"{name}_kept"]
        same &= a.eq(b) | (a.isna() & b.isna())
    superseded = pd.DataFrame(
        {
            **{name: paired[name] for name in ["file", "line", *KEY]},
            "kept_file": paired["file_kept"],
            "kept_line": paired["line_kept"],
            "reason": same.map({True: "same values", False: "different values"}),
        },
        columns=SUPERSEDED_COLUMNS,
    )
    return superseded.reset_index(drop=True)


def empty_superseded() -> pd.DataFrame:
    """A Superseded frame with no rows."""
    types: dict[str, Any] = {
        "period_start": "datetime64[ns]",
        "period_end": "datetime64[ns]",
        "line": "int64",
        "kept_line": "int64",
    }
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, object)) for c in SUPERSEDED_COLUMNS})


def _file_order(rows: pd.DataFrame) -> np.ndarray | None:
    """Positions of the rows sorted by file path, then line (stable); None if already so."""
    lines = rows["line"].to_numpy()
    if _one_file(rows["file"]):  # the usual case: one pass over the lines, no file ranks
        if (lines[1:] >= lines[:-1]).all():
            return None  # already in order: one file's rows, as read
        return np.argsort(lines, kind="stable")
    files = _file_ranks(rows["file"])
    step = np.diff(files)
    if (step >= 0).all() and (np.diff(lines)[step == 0] >= 0).all():
        return None
    return np.lexsort((lines, files))


def _one_file(files: pd.Series) -> bool:
    """Whether every row has the file of the first (for a category: the same code)."""
    if isinstance(files.dtype, pd.CategoricalDtype):
        codes = files.cat.codes.to_numpy()
        return bool((codes == codes[0]).all())
    return bool(files.eq(files.iloc[0]).all())


def _in_order(values: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    return values if order is None else values[order]


def _file_ranks(files: pd.Series) -> np.ndarray:
    """Each row's file as its rank among the files' paths."""
    ranks, _ = pd.factorize(files, sort=True)
    return ranks
