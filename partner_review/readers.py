"""Reading one input file (CSV, XLSX or Parquet) into a raw table of cells.

A raw table is one row per data row of the file, with:

* one column per header name, normalised (surrounding spaces removed, lower case);
* cells as written: strings for CSV (``""`` for an empty cell), strings for XLSX
  (numbers written as Python would repr them, dates as ``YYYY-MM-DD``), and for
  Parquet the column's own type where it is numeric or a date (float64 / datetime64,
  null as NaN / NaT) and strings otherwise;
* ``line``: where the row is in the file as a person would find it. The header is
  line 1 and the first data row line 2 in every format. For CSV, ``line`` counts
  records (a quoted cell spanning two physical lines is still one line); for XLSX
  it is the sheet's row number.

Blank rows (every cell empty) are not data and are left out; they keep their line
number, so the lines of the rows after them still match the file. Columns with an
empty header name are ignored, and so are columns no transform knows.

A file that cannot be used at all raises :class:`InputError` naming the file and
the fix: unsupported format, unreadable bytes, no header, a required column
missing, a header and no data rows, or a file larger than ``limits.max_file_mb``
(refused by its size on disk, before it is read).

CSV dialects: comma, semicolon or tab separated, sniffed from the header line (the
separator found most often in it; a header with none is read as one column).
Encodings: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252. A
semicolon-separated file is a "decimal comma" file (``4,80``): the fact is passed on
in :attr:`RawFrame.decimal_comma` and the transforms parse numbers accordingly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from partner_review.csv_reader import FORMAT_HINT, header_hint, read_csv_cells
from partner_review.errors import InputError
from transforms.cells import RawFrame

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
EXCEL_SHEET = "observations"


# A required column is one name or a tuple of alternatives (any one of them will do).
Required = Sequence[str | tuple[str, ...]]


def read_table(
    path: Path,
    label: str,
    required: Required = (),
    max_file_mb: float = 200,
) -> RawFrame:
    """The raw table of one CSV, XLSX or Parquet file, or InputError naming the fix."""
    _check_size(path, label, max_file_mb)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        cells, decimal_comma = read_csv_cells(path, label)
        frame = _with_header(cells, label)
    elif suffix == ".xlsx":
        frame, decimal_comma = _read_xlsx(path, label), False
    elif suffix == ".parquet":
        frame, decimal_comma = _read_parquet(path, label), False
    else:
        raise InputError(
            label, f"unsupported file type {path.suffix or '(none)'!r}", hint=FORMAT_HINT
        )
    _check_columns(frame, label, required)
    frame = _drop_blank_rows(frame)
    if frame.empty:
        raise InputError(
            label, "has a header but no data rows", hint="add data rows or remove the file"
        )
    return RawFrame(label, frame.reset_index(drop=True), decimal_comma)


def _check_size(path: Path, label: str, max_file_mb: float) -> None:
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > max_file_mb:
        raise InputError(
            label,
            f"is {size_mb:,.1f} MB, above limits.max_file_mb ({max_file_mb:g} MB); not read",
            hint="split it into smaller files or raise limits.max_file_mb in config.yaml",
        )


# --- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(path: Path, label: str) -> pd.DataFrame:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise InputError(label, "is not a valid .xlsx workbook", hint=FORMAT_HINT) from None
    try:
        sheet = _pick_sheet(book)
        lines, records = [], []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(cell is not None and str(cell).strip() != "" for cell in row):
                lines.append(number)
                records.append([_cell_text(cell) for cell in row])
    finally:
        book.close()
    if not records:
        raise InputError(label, "has an empty first sheet: no header", hint=header_hint())
    width = max(len(r) for r in records)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=str)
    frame = _with_header(frame, label)
    # sheet row numbers, not positions: blank rows were skipped above
    frame["line"] = lines[1:]
    return frame


def _pick_sheet(book: Any) -> Any:
    for sheet in book.worksheets:
        if str(sheet.title).strip().lower() == EXCEL_SHEET:
            return sheet
    return book.worksheets[0]


def _cell_text(cell: object) -> str:
    """A cell as text: dates as YYYY-MM-DD (with the time only when there is one)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time(0) else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return str(cell).upper()
    if isinstance(cell, float):
        if math.isfinite(cell) and cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    return str(cell)


# --- Parquet -----------------------------------------------------------------------------------


def _read_parquet(path: Path, label: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            label, f"is not a readable Parquet file ({exc})", hint=FORMAT_HINT
        ) from None
    names = [_normalise(str(n)) for n in table.column_names]
    _check_duplicates(names, label)
    columns = {
        name: _arrow_column(table.column(i))
        for i, name in enumerate(names)
        if name and name != "line"
    }
    frame = pd.DataFrame(columns)
    frame["line"] = pd.RangeIndex(2, len(frame) + 2)
    if not columns:
        raise InputError(label, "has no named columns", hint=header_hint())
    return frame


def _arrow_column(column: Any) -> pd.Series:
    """Numbers as float64 and dates as datetime64 in the file's unit, seconds for dates
    (null: NaN/NaT); everything else as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        return _arrow_column(column.cast(kind.value_type))
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return pd.Series(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False))
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        # in a unit that holds any year: the row checks reject, row by row, a date that
        # datetime64[ns] cannot hold (outside 1677–2262), as they do in a CSV cell
        values = pc.cast(column, pa.timestamp("s")) if pa.types.is_date(kind) else column
        series = pd.Series(values.to_pandas())
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        return series
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.Series(column.fill_null("").to_pandas(), dtype="str")
    return pd.Series([_cell_text(v) for v in column.to_pylist()], dtype=object)


# --- shared ------------------------------------------------------------------------------------


def _with_header(cells: pd.DataFrame, label: str) -> pd.DataFrame:
    """Row 0 of ``cells`` as normalised header names; the rest as data with line numbers."""
    if cells.empty:
        raise InputError(label, "is empty: no header", hint=header_hint())
    names = [_normalise(str(v)) for v in cells.iloc[0].tolist()]
    _check_duplicates(names, label)
    keep = [i for i, name in enumerate(names) if name and name != "line"]
    if not keep:
        raise InputError(label, "has no header row", hint=header_hint())
    data = cells.iloc[1:, keep]
    data.columns = [names[i] for i in keep]
    data = data.reset_index(drop=True)
    data["line"] = pd.RangeIndex(2, len(data) + 2)
    return data


def _normalise(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def _check_duplicates(names: Iterable[str], label: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise InputError(
                label,
                f"column {name!r} appears twice in the header",
                hint="keep one column of each name",
            )
        seen.add(name)


def _check_columns(frame: pd.DataFrame, label: str, required: Required) -> None:
    present = set(frame.columns)
    for need in required:
        options = (need,) if isinstance(need, str) else need
        if not present.intersection(options):
            wanted = " or ".join(repr(o) for o in options)
            found = ", ".join(c for c in frame.columns if c not in ("line", "_extra")) or "none"
            raise InputError(
                label,
                f"missing required column {wanted} (found: {found})",
                hint=f"add a {wanted} column to the header row",
            )


def _drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame.drop(columns=["line"])
    if data.shape[1] == 0:
        return frame.iloc[0:0]
    blank = np.ones(len(frame), dtype=bool)
    for name in data.columns:
        # only rows with no content so far are looked at (usually none after a column)
        rows = np.flatnonzero(blank)
        if rows.size == 0:
            break
        column = data[name] if rows.size == len(frame) else data[name].iloc[rows]
        blank[rows] = ~_has_content(column)
    return frame if not blank.any() else frame[~blank]


def _has_content(column: pd.Series) -> np.ndarray:
    if _every_cell_starts_printable(column):
        return np.ones(len(column), dtype=bool)
    if column.dtype == object or pd.api.types.is_string_dtype(column):
        return column.fillna("").astype(str).str.strip().ne("").to_numpy(dtype=bool)
    return column.notna().to_numpy(dtype=bool)


def _every_cell_starts_printable(column: pd.Series) -> bool:
    """Whether every cell of an arrow-backed text column starts with a printable ASCII
    character other than a space (``!`` to ``~``): then every cell has content, told from
    the chunks' offsets and first bytes instead of stripping a million cells. False when
    it cannot be told that way (another dtype, a null, an empty cell, another first byte).
    """
    to_arrow = getattr(column.array, "__arrow_array__", None)
    if to_arrow is None or not pd.api.types.is_string_dtype(column):
        return False
    chunked = to_arrow()
    if pa.types.is_string(chunked.type):
        offset_type: type[np.signedinteger] = np.int32
    elif pa.types.is_large_string(chunked.type):  # pandas' ``str`` holds large_string
        offset_type = np.int64
    else:
        return False
    for chunk in chunked.chunks:
        if chunk.null_count:
            return False
        if len(chunk) == 0:
            continue
        offsets_buffer, data_buffer = chunk.buffers()[1:3]
        if data_buffer is None:
            return False
        offsets = np.frombuffer(offsets_buffer, dtype=offset_type)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        starts = offsets[:-1]
        if (offsets[1:] <= starts).any():
            return False
        first = np.frombuffer(data_buffer, dtype=np.uint8)[starts]
        if ((first < 0x21) | (first > 0x7E)).any():
            return False
    return True
