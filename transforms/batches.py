"""Raw rows of many small files checked as one frame (issue #8, resource bounds).

Each check of :mod:`transforms.observations` and :mod:`transforms.surveys` is vectorised
over a frame's rows, so it costs about the same for one row as for thousands: checked
file by file, a folder of 10,000 one-row files paid that fixed cost 10,000 times. A
:class:`Batch` is the raw rows of consecutive files (in the order given, each file's
rows as read) in one frame, with each row's file beside it, so those files are checked
once. Every check is row by row (a row's faults and kept values depend on that row
alone), hence the kept and rejected rows are the same, in the same order, as checking
each file alone.

Files go in one batch only when they have the same columns, in the same order and of
the same types (a column absent from a file is not the same as an empty cell), and the
same number format (``decimal_comma``); a batch stops before it would exceed
``max_rows`` raw rows, so a file that large is checked alone and memory stays that of
one file, as before.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.categories import as_category, coded_category
from transforms.cells import RawFrame
from transforms.row_checks import constant_text

BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Batch:
    """Raw rows of one or more consecutive files: cells, ``line``, and each row's file."""

    frame: pd.DataFrame  # the files' raw frames one after the other
    each_file: pd.Series | None  # each row's file (``str``); None: ``names[0]`` on every row
    decimal_comma: bool
    names: tuple[str, ...] = ()  # the files, in order (empty: read them from ``files``)
    sizes: tuple[int, ...] = ()  # the rows of each of ``names``

    @property
    def files(self) -> pd.Series:
        """Each row's file (``str``), on the index of ``frame``."""
        if self.each_file is not None:
            return self.each_file
        return constant_text(self.names[0], self.frame.index)

    def rows_file(self) -> str | pd.Series:
        """The rows' file as :meth:`transforms.cells.Faults.rejected` takes it: the one
        file's path for a batch of one file (no column of a million copies made for the
        few rows rejected), else each row's."""
        return self.names[0] if self.each_file is None else self.each_file

    def file_category(self) -> pd.Series:
        """Each row's file as a ``category`` (see :mod:`transforms.categories`)."""
        if not self.names:
            return as_category(self.files)
        codes = np.repeat(np.arange(len(self.names)), self.sizes)
        return pd.Series(coded_category(codes, pd.Index(self.names)), index=self.frame.index)


def single(table: RawFrame) -> Batch:
    """One file as a batch of its own."""
    frame = table.frame
    return Batch(frame, None, table.decimal_comma, (table.file,), (len(frame),))


def batches(tables: Iterable[RawFrame], max_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    """The files in batches of consecutive files of one shape, each of at most ``max_rows``."""
    pending: list[RawFrame] = []
    rows = 0
    for table in tables:
        if pending and (_shape(table) != _shape(pending[0]) or rows + table.rows > max_rows):
            yield _joined(pending)
            pending, rows = [], 0
        pending.append(table)
        rows += table.rows
    if pending:
        yield _joined(pending)


def _shape(table: RawFrame) -> tuple[Hashable, ...]:
    """What files of one batch share: number format, column names, order and types."""
    frame = table.frame
    return (table.decimal_comma, tuple(frame.columns), tuple(frame.dtypes))


def _joined(tables: list[RawFrame]) -> Batch:
    """The files' raw rows in one frame (the frame itself for one file: no copy)."""
    if len(tables) == 1:
        return single(tables[0])
    frame = pd.concat([t.frame for t in tables], ignore_index=True)
    labels = np.array([t.file for t in tables], dtype=object)
    sizes = [len(t.frame) for t in tables]
    files = pd.Series(np.repeat(labels, sizes), index=frame.index, dtype="str")
    return Batch(frame, files, tables[0].decimal_comma, tuple(labels), tuple(sizes))
