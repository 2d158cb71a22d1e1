"""Number columns whose every cell is plain, read in one vectorised pass.

A CSV read by pyarrow gives each number column as arrow-backed text (``str``). Most
exports write their numbers as ``-?digits`` with the file's decimal mark (``12``,
``4.80``; ``4,80`` in a decimal-comma file) or leave the cell empty. For such a
column, :func:`plain_numbers` gives the same :class:`transforms.cells.Numbers` as the
exact parser (:func:`transforms.cells.parse_numbers`) without looking at each cell in
Python: one check of the column's bytes and one arrow cast to float64.

Why the result is the exact parser's, cell for cell: a cell made only of digits,
``-`` and the file's decimal mark has no space to strip, is no NaN or infinity word,
has no thousands group and (in a decimal-comma file) no ``.``, so the exact parser
reads it as a plain number whenever arrow's float parser accepts it (of those
characters arrow accepts ``-?digits``, ``-?digits.digits``, ``-?digits.`` and
``-?.digits`` only), and reads it with that same cast (after ``,`` to ``.`` in a
decimal-comma file). A column with
any other character, a null cell, or a cell arrow refuses gives None: it goes to the
exact parser whole (``tests/transforms/test_plain_numbers.py`` proves both on
adversarial cells).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.cells import Numbers

_POINT_CHARACTERS = b"0123456789.-"
_COMMA_CHARACTERS = b"0123456789,-"


def plain_numbers(column: pd.Series, decimal_comma: bool) -> Numbers | None:
    """The column as the exact parser reads it when every cell is plain; None otherwise."""
    cells = _arrow_text(column)
    allowed = _COMMA_CHARACTERS if decimal_comma else _POINT_CHARACTERS
    if cells is None or cells.null_count or not _only_bytes(cells, allowed):
        return None
    empty = pc.equal(pc.binary_length(cells), 0)
    written = pc.replace_substring(cells, ",", ".") if decimal_comma else cells
    if pc.any(empty).as_py():
        written = pc.if_else(empty, pa.scalar(None, written.type), written)
    try:
        parsed = pc.cast(written, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values = np.asarray(parsed.to_numpy(zero_copy_only=False), dtype=np.float64)
    infinite = np.isinf(values)
    index = column.index
    none = np.zeros(len(values), dtype=bool)
    return Numbers(
        values=pd.Series(np.where(infinite, np.nan, values), index=index),
        empty=pd.Series(empty.to_numpy(zero_copy_only=False).astype(bool), index=index),
        invalid=pd.Series(none, index=index),
        ambiguous=pd.Series(none.copy(), index=index),
        not_finite=pd.Series(infinite, index=index),
    )


def _arrow_text(column: pd.Series) -> pa.ChunkedArray | None:
    """The arrow strings behind an arrow-backed text column (no copy); None for other dtypes."""
    dtype = column.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return None
    cells = pa.array(column.array)
    if isinstance(cells, pa.Array):
        cells = pa.chunked_array([cells])
    if not (pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type)):
        return None
    return cells


def _only_bytes(cells: pa.ChunkedArray, allowed: bytes) -> bool:
    """Whether every cell is made of ``allowed`` bytes only (read off each chunk's buffer)."""
    for chunk in cells.chunks:
        if len(chunk) == 0:
            continue
        offsets_buffer, data = chunk.buffers()[1:3]
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offsets_buffer, dtype=width)
        start, stop = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        if stop > start and data.slice(start, stop - start).to_pybytes().translate(None, allowed):
            return False
    return True
